import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';

// A prefix of rule paths reads as one document: base data there with every rule document below
// it (OPA's planner merges the rules' document into the base document). Where base data and a
// rule define one key, the base value stays unless both are objects; a `with` on a path owns it.

const RULES = `package a.b.c
r := 1
`;
const PKGS = `package pkgs.one
result := "virtual"
`;
const DATA = { a: { b: { d: 2 }, e: 3 }, pkgs: { two: { result: 'base' } } };

async function query(body: string, input?: unknown): Promise<unknown> {
  const modules = [
    { path: 'rules.rego', source: RULES },
    { path: 'pkgs.rego', source: PKGS },
    { path: 'q.rego', source: `package q\nx := y if {\n  ${body}\n}\n` },
  ];
  const policy = await loadPolicy(await compile({ modules, entrypoints: ['q/x'] }), undefined, hostBuiltins);
  policy.setData(DATA);
  return (policy.evaluate(input as object, 'q/x') as Array<{ result: unknown }>)[0]?.result;
}

test('a prefix merges base and virtual documents, at every depth and when iterated', async (t) => {
  t.deepEqual(await query('y := data.a'), { b: { c: { r: 1 }, d: 2 }, e: 3 });
  t.deepEqual(await query('y := data.a.b'), { c: { r: 1 }, d: 2 });
  t.deepEqual(await query('y := {k | data.a[k]}'), ['b', 'e']);
  t.deepEqual(await query('y := [[k, j, v] | v := data.a[k][j]]'), [['b', 'c', { r: 1 }], ['b', 'd', 2]]);
  t.deepEqual(await query('y := {p: r | r := data.pkgs[p].result}'), { one: 'virtual', two: 'base' });
  t.deepEqual(await query('y := data.a[input.k].d', { k: 'b' }), 2);
});

test('where base data and a rule give one key different values, the prefix shows the base value', async (t) => {
  const modules = [{ path: 'c.rego', source: 'package conflicts\nk := "bar"\no := {"x": 1}\n' }, { path: 'q.rego', source: 'package q\nx := data.conflicts\n' }];
  const policy = await loadPolicy(await compile({ modules, entrypoints: ['q/x', 'conflicts/k'] }), undefined, hostBuiltins);
  policy.setData({ conflicts: { k: 'foo', o: { y: 2 } } });
  t.deepEqual((policy.evaluate({}, 'q/x') as Array<{ result: unknown }>)[0]?.result, { k: 'foo', o: { x: 1, y: 2 } });
  t.is((policy.evaluate({}, 'conflicts/k') as Array<{ result: unknown }>)[0]?.result, 'bar');
});

test('`with` replaces the base part, the virtual part or a whole mixed subtree', async (t) => {
  t.deepEqual(await query('y := data.a with data.a.e as 9'), { b: { c: { r: 1 }, d: 2 }, e: 9 });
  t.deepEqual(await query('y := data.a with data.a.b.c.r as 9'), { b: { c: { r: 9 }, d: 2 }, e: 3 });
  t.deepEqual(await query('y := data.a with data.a.b as {"z": 1}'), { b: { z: 1 }, e: 3 });
  t.deepEqual(await query('y := data.a with data.a.b.c as {"s": 1}'), { b: { c: { s: 1 }, d: 2 }, e: 3 });
  t.deepEqual(await query('y := {k | data.a[k]} with data.a.b as 0'), ['b', 'e']);
  t.deepEqual(await query('y := data.a with data.a as {"z": 1}'), { z: 1 });
  t.is(await query('y := data.a.b.c.r with data.a as {"z": 1}'), undefined);
});
