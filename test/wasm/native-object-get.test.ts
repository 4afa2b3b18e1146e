import test from 'ava';
import fc from 'fast-check';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { countingHostBuiltins } from '../helpers/host-calls.js';

// object.get runs natively in the module (a key, or a path through objects, arrays and sets); the
// host's implementation, called with plain JSON as OPA-built modules call it, is the oracle.

const host = hostBuiltins as unknown as Record<string, (...args: unknown[]) => unknown>;
const key = fc.constantFrom('a', 'b', 'c', '0', '1');
const leaf = fc.oneof(fc.constantFrom(null, true, 0, 1, 2, -1, 1.5, 'a', 'b'), key);
const doc = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.dictionary(key, tie('v'), { maxKeys: 3 }), fc.array(tie('v'), { maxLength: 3 })),
})).v;
const segment = fc.oneof(key, fc.constantFrom(0, 1, 2, -1, 5, 1.5, null, true));

test("object.get gives the host's result for keys and paths", async (t) => {
  const source = 'package t\nout := [[object.get(c.o, c.k, "dflt"), object.get(c.o, c.p, "dflt")] | some c in input.cases]\n';
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const cases = fc.sample(fc.record({ o: fc.dictionary(key, doc, { maxKeys: 4 }), k: fc.oneof(key, segment), p: fc.array(segment, { maxLength: 4 }) }), { numRuns: 500, seed: 4 });
  const [{ result }] = policy.evaluate({ cases }, 't/out') as [{ result: unknown[] }];
  const expected = cases.map((c) => [host['object.get']!(c.o, c.k, 'dflt'), host['object.get']!(c.o, c.p, 'dflt')]);
  for (let i = 0; i < cases.length; i++) t.deepEqual(result[i], expected[i], JSON.stringify(cases[i]));
});

test('object.get reads through sets by membership and takes no host call; a float index goes to the host', async (t) => {
  const source = `package t
doc := {"tags": {"x", "y"}, "list": [{"name": "n0"}, {"name": "n1"}], "m": {"k": false}}
out := [object.get(doc, ["tags", "x"], 0), object.get(doc, ["list", 1, "name"], 0), object.get(doc, ["list", 2], "none"), object.get(doc, "m", 0), object.get(doc, ["m", "k"], 1), object.get(doc, [], 0)]
float_index := object.get(doc, ["list", input.i, "name"], 0)
`;
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out', 't/float_index'] });
  const { builtins, calls } = countingHostBuiltins();
  const policy = await loadPolicy(wasm, undefined, builtins);
  t.deepEqual(policy.evaluate({}, 't/out'), [{ result: ['x', 'n1', 'none', { k: false }, false, { tags: ['x', 'y'], list: [{ name: 'n0' }, { name: 'n1' }], m: { k: false } }] }]);
  t.deepEqual(calls, []);
  // 1.0 as written (JSON text): not an int64 in the module, so the host reads it as the index 1.
  t.deepEqual(policy.evaluate(new TextEncoder().encode('{"i": 1.0}').buffer as ArrayBuffer, 't/float_index'), [{ result: 'n1' }]);
  t.deepEqual(calls, ['object.get']);
});
