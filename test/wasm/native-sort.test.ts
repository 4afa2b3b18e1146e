import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { countingHostBuiltins } from '../helpers/host-calls.js';
import { decodeArg, plainResult } from '../../src/builtins/host-codec.js';
import { normaliseSet, sortValues } from '../../src/builtins/rego-order.js';

// `sort` runs natively in the module; the host's Rego order (src/builtins/rego-order.ts) is the
// oracle. Strings mix code points whose UTF-8 and UTF-16 orders differ.

function generator(seed: number) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const strings = ['', 'a', 'b', 'ab', 'B', 'é', '\uffff', '😀', 'a😀', 'a\uffff', 'z'];
  const value = (depth: number): unknown => {
    const kind = depth > 2 ? Math.floor(next() * 4) : Math.floor(next() * 6);
    switch (kind) {
      case 0:
        return pick([null, true, false]);
      case 1:
        return pick([0, 1, -1, 2, 1.5, -0.25, 10, 1e15, 123456789]);
      case 2:
      case 3:
        return pick(strings);
      case 4:
        return Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: Math.floor(next() * 3) }, () => [pick(strings), value(depth + 1)]));
    }
  };
  return () => Array.from({ length: Math.floor(next() * 12) }, () => value(0));
}

test('sort of arrays and sets is in Rego order, as the host sorts', async (t) => {
  const source = 'package t\nsorted := [sort(xs) | some xs in input.cases]\nsorted_sets := [sort({x | some x in xs}) | some xs in input.cases]\n';
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/sorted', 't/sorted_sets'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const next = generator(7);
  const cases = Array.from({ length: 300 }, next);
  const of = (entrypoint: string) => (policy.evaluate({ cases }, entrypoint) as [{ result: unknown[] }])[0].result;
  const decoded = cases.map((xs) => xs.map(decodeArg));
  t.deepEqual(of('t/sorted'), decoded.map((xs) => plainResult(sortValues(xs))));
  t.deepEqual(of('t/sorted_sets'), decoded.map((xs) => plainResult(normaliseSet(xs))));
});

test('sort leaves the array it sorts as it was, and takes no host call', async (t) => {
  const source = 'package t\nout := {"sorted": sort(input.xs), "original": input.xs, "again": sort(input.xs)}\n';
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out'] });
  const { builtins, calls } = countingHostBuiltins();
  const policy = await loadPolicy(wasm, undefined, builtins);
  const xs = ['b', 3, 'a', null, [1], { k: 1 }, 1, false];
  t.deepEqual(policy.evaluate({ xs }, 't/out'), [{ result: { sorted: [null, false, 1, 3, 'a', 'b', [1], { k: 1 }], original: xs, again: [null, false, 1, 3, 'a', 'b', [1], { k: 1 }] } }]);
  t.deepEqual(calls, []);
});

test('sort of a value neither array nor set is the host\'s type error', async (t) => {
  const source = 'package t\nout := sort(input.x)\n';
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  // The SDK throws the error's text, not an Error.
  let thrown: unknown;
  try {
    policy.evaluate({ x: 'abc' }, 't/out');
  } catch (e) {
    thrown = e;
  }
  t.regex(String(thrown), /sort: operand 1 must be one of \{set, array\} but got string/);
});
