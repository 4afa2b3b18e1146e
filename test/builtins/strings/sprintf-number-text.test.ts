import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../../src/rego/index.js';
import { hostBuiltins } from '../../../src/builtins/index.js';

// OPA hands Go's fmt a number by its text: `101.0` is a float64, `101` an int. Warden's modules
// keep a number's text, so sprintf formats it as OPA does, whether it came in the input's JSON,
// in the policy's source or through to_number.
const policy = `package t
f := sprintf("%.2f|%d|%v", [input.cost, input.cost, input.cost])
literal := sprintf("%.2f", [101.00])
converted := sprintf("%.2f", [to_number(input.cost)])
huge := sprintf("%v", [2e308])
`;

async function evaluate(inputJson: string): Promise<Record<string, string>> {
  const wasm = await compile({ modules: [{ path: 't.rego', source: policy }], entrypoints: ['t'] });
  const loaded = await loadPolicy(wasm, undefined, hostBuiltins);
  const [row] = loaded.evaluate(new TextEncoder().encode(inputJson).buffer as ArrayBuffer, 't') as Array<{ result: Record<string, string> }>;
  return row!.result;
}

test('sprintf formats a number written with a fraction or exponent as a float, an integer literal as an int', async (t) => {
  const asFloat = await evaluate('{"cost": 101.0}');
  t.is(asFloat.f, '101.00|%!d(float64=101)|101');
  t.is(asFloat.converted, '101.00');
  const asInt = await evaluate('{"cost": 101}');
  t.is(asInt.f, '%!f(int=101)|101|101');
  t.is(asInt.converted, '%!f(int=101)');
  t.is((await evaluate('{"cost": 1e2}')).f, '100.00|%!d(float64=100)|100');
  t.is(asInt.literal, '101.00');
});

test('sprintf prints a number too large for a float64 as written, as OPA does', async (t) => {
  t.is((await evaluate('{"cost": 1}')).huge, '2e308');
});
