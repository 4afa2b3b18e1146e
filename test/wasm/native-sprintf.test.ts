import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { countingHostBuiltins } from '../helpers/host-calls.js';

// sprintf runs natively in the module for plain %s/%v/%d/%% and hands everything else to the host
// implementation of Go's fmt: either way the text is Go's.
const cases: Array<[string, unknown[], string]> = [
  ['granted: %s may %s on %s', ['shop/frontend', 'orders.read', 'orders'], 'granted: shop/frontend may orders.read on orders'],
  ['%d items', [42], '42 items'],
  ['%v|%v|%v|%v', ['s', -7, true, null], 's|-7|true|null'],
  ['%s and %s', [false, null], 'false and null'],
  ['100%% sure %s', ['x'], '100% sure x'],
  ['é %s ü', ['ö'], 'é ö ü'],
  ['%d', [9223372036854775807n], '9223372036854775807'],
  ['no verbs', [], 'no verbs'],
  ['%s', [5], '%!s(int=5)'],
  ['%d', ['x'], '%!d(string=x)'],
  ['%5s|', ['ab'], '   ab|'],
  ['%.2f', [1.5], '1.50'],
  ['%v', [1.5], '1.5'],
  ['%s %s', ['a'], 'a %!s(MISSING)'],
  ['%s', ['a', 'b'], 'a%!(EXTRA string=b)'],
  ['%v', [[1, 'a']], '[1, "a"]'],
  ['%q', ['hi'], '"hi"'],
  ['trailing %', [], 'trailing %!(NOVERB)'],
];

test('sprintf gives Go\'s text, natively or through the host', async (t) => {
  const source = 'package t\nout := [sprintf(c[0], c[1]) | some c in input.cases]\n';
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const json = JSON.stringify({ cases: cases.map(([f, a]) => [f, a]) }, (_k, v: unknown) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(/"@@(-?\d+)@@"/g, '$1');
  const [{ result }] = policy.evaluate(new TextEncoder().encode(json).buffer as ArrayBuffer, 't/out') as [{ result: string[] }];
  t.deepEqual(
    result.map((text, i) => [cases[i]![0], text]),
    cases.map(([format, , expected]) => [format, expected]),
  );
});

test('plain formats never reach the host', async (t) => {
  const source = 'package t\nout := sprintf("%s may %v (%d%%)", [input.who, input.what, input.n])\n';
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out'] });
  const { builtins, calls } = countingHostBuiltins();
  const policy = await loadPolicy(wasm, undefined, builtins);
  t.deepEqual(policy.evaluate({ who: 'a', what: true, n: 5 }, 't/out'), [{ result: 'a may true (5%)' }]);
  t.deepEqual(calls, []);
  t.deepEqual(policy.evaluate({ who: 'a', what: true, n: 5.5 }, 't/out'), [{ result: 'a may true (%!d(float64=5.5)%)' }]);
  t.deepEqual(calls, ['sprintf']);
});
