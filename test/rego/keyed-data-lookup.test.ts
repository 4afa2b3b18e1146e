import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { outcome } from '../helpers/random-rule-sets.js';

// `data.…[key]` with a key known only at evaluation, where rules sit below the prefix: only the
// document under that key is built. The oracle is the same lookup in the whole document, which a
// variable bound to the prefix's document reads (`d := data.p.doc; d[key]`).

async function load(modules: string[], entrypoints: string[], data?: unknown) {
  const wasm = await compile({ modules: modules.map((source, i) => ({ path: `m${i}.rego`, source })), entrypoints });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  if (data !== undefined) policy.setData(data as object);
  return policy;
}

const SERVICES = Array.from({ length: 40 }, (_, i) => `package svc.s${i}\n\nallow if input.caller == "c${i}"\n\nlevel := ${i}\n\nf(x) := x`);

test('a package is found by a key known at evaluation, without evaluating the others', async (t) => {
  const main = ['package main', 'allow if data.svc[input.service].allow', 'level := data.svc[input.service].level', 'fn := data.svc[input.service][input.name]'].join('\n');
  // A package whose rule fails when evaluated: only a lookup of its own name evaluates it, as in
  // OPA's evaluator (the whole document of data.svc would evaluate it for every key).
  const broken = 'package svc.broken\n\nallow if to_number("not a number") == 1';
  const checked = await load([...SERVICES, broken, main], ['main/allow']);
  t.deepEqual(checked.evaluate({ service: 's17', caller: 'c17' }, 'main/allow'), [{ result: true }]);
  t.regex(outcome(() => checked.evaluate({ service: 'broken' }, 'main/allow')), /eval_builtin_error/);
  const whole = await load([...SERVICES, broken, 'package main\nallow if { d := data.svc; d[input.service].allow }'], ['main/allow']);
  t.regex(outcome(() => whole.evaluate({ service: 's17', caller: 'c17' }, 'main/allow')), /eval_builtin_error/);

  const p = await load([...SERVICES, main], ['main/allow', 'main/level', 'main/fn'], { svc: { s3: { level: 'base' }, other: { allow: true, level: 'base' } } });
  t.deepEqual(p.evaluate({ service: 's17', caller: 'c17' }, 'main/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ service: 's17', caller: 'c18' }, 'main/allow'), []);
  t.deepEqual(p.evaluate({ service: 'nope', caller: 'c1' }, 'main/allow'), []);
  t.deepEqual(p.evaluate({ service: 17, caller: 'c17' }, 'main/allow'), [], 'a number is not the name s17');
  // Base data under the prefix: a name no package has reads it; a package's rule wins over it.
  t.deepEqual(p.evaluate({ service: 'other' }, 'main/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ service: 'other' }, 'main/level'), [{ result: 'base' }]);
  // Where both sit, base data and the package's rule give what the whole document gives.
  const whole3 = await load([...SERVICES, 'package main\nlevel := d[input.service].level if d := data.svc'], ['main/level'], { svc: { s3: { level: 'base' } } });
  t.deepEqual(p.evaluate({ service: 's3' }, 'main/level'), whole3.evaluate({ service: 's3' }, 'main/level'));
  // A function is not a document: its name finds nothing, as in the whole document.
  t.deepEqual(p.evaluate({ service: 's4', name: 'f' }, 'main/fn'), []);
  t.deepEqual(p.evaluate({ service: 's4', name: 'level' }, 'main/fn'), [{ result: 4 }]);
});

test('inside a loop, a key that finds nothing does not see the document an earlier key found', async (t) => {
  const main = ['package main', 'levels := [l | some s in input.services; l := data.svc[s].level]', 'allowed := {s | some s in input.services; data.svc[s].allow}'].join('\n');
  const p = await load([...SERVICES, main], ['main/levels', 'main/allowed']);
  t.deepEqual(p.evaluate({ services: ['s5', 'nope', 's7', 'x'] }, 'main/levels'), [{ result: [5, 7] }]);
  t.deepEqual(p.evaluate({ services: ['s5', 's6', 'nope'], caller: 'c5' }, 'main/allowed'), [{ result: ['s5'] }]);
});

test('`with` on a document below the prefix applies to the keyed lookup', async (t) => {
  const main = ['package main', 'level := l if l := data.svc[input.service].level with data.svc.s2.level as "mocked"', 'whole := w if w := data.svc[input.service] with data.svc.s2 as {"level": "all"}'].join('\n');
  const p = await load([...SERVICES, main], ['main/level', 'main/whole']);
  t.deepEqual(p.evaluate({ service: 's2' }, 'main/level'), [{ result: 'mocked' }]);
  t.deepEqual(p.evaluate({ service: 's1' }, 'main/level'), [{ result: 1 }]);
  t.deepEqual(p.evaluate({ service: 's2' }, 'main/whole'), [{ result: { level: 'all' } }]);
});

// Names in different orders by UTF-16 code unit and by UTF-8 byte (the search's order): "\uFFFD" and
// "😀" swap, so a search sorted the JavaScript way misses one of them.
const NAMES = ['a', 'b', 'A', 'é', 'z', '日本', '😀', '\uFFFD', '', '1', '10', '2', 'a b', 'ﬀ', 'level'];
const KEYS: unknown[] = [...NAMES, 'missing', 1, 2, 10, true, null];

/** A policy of `rules` with each lookup beside its oracle in the whole document (`name`, `oracle_name`). */
async function withOracles(rules: string[], lookups: Record<string, [string, string]>, data: unknown) {
  const lines = Object.entries(lookups).flatMap(([name, [direct, oracle]]) => [`${name} := ${direct}`, `oracle_${name} := ${oracle}`]);
  const source = ['package p', ...rules, ...lines].join('\n');
  const entrypoints = Object.keys(lookups).flatMap((name) => [`p/${name}`, `p/oracle_${name}`]);
  return { source, policy: await load([source], entrypoints, data) };
}

/** Each of `names` gives for `input` what its oracle gives. */
function agree(t: ExecutionContext, policy: LoadedPolicy, names: string[], input: unknown, label: string): void {
  for (const name of names) t.is(outcome(() => policy.evaluate(input, `p/${name}`)), outcome(() => policy.evaluate(input, `p/oracle_${name}`)), `${label}\n${name} ${JSON.stringify(input)}`);
}

const tree = fc.record({
  rules: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), when: fc.integer({ min: 0, max: 2 }), value: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant({ x: 'obj', y: [1] })) }), { selector: (r) => r.name, minLength: 1, maxLength: 10 }),
  base: fc.dictionary(fc.constantFrom(...NAMES, 'other', '1'), fc.oneof(fc.integer({ min: 100, max: 109 }), fc.constant({ x: 'base', z: true })), { maxKeys: 5 }),
  withBase: fc.boolean(),
});

test('randomized: the keyed lookup equals the lookup in the whole document', async (t) => {
  await fc.assert(
    fc.asyncProperty(tree, fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 2 }), async ({ rules, base, withBase }, keys, c) => {
      const { source, policy } = await withOracles(
        rules.map((r) => `doc[${JSON.stringify(r.name)}] := ${JSON.stringify(r.value)} if input.c != ${r.when}`),
        {
          direct: ['data.p.doc[input.k]', 'd[input.k] if d := data.p.doc'],
          deep: ['data.p.doc[input.k].x', 'd[input.k].x if d := data.p.doc'],
          looped: ['[v | some k in input.ks; v := data.p.doc[k]]', '[v | some k in input.ks; d := data.p.doc; v := d[k]]'],
        },
        withBase ? { p: { doc: base } } : undefined,
      );
      for (const k of keys) agree(t, policy, ['direct', 'deep'], { k, c }, source);
      agree(t, policy, ['looped'], { ks: keys, c }, source);
    }),
    { numRuns: 60 },
  );
});

// Two levels: a name holds either a rule (its value an object, or not) or rules one level down.
const nested = fc.record({
  entries: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom(...NAMES),
      when: fc.integer({ min: 0, max: 2 }),
      below: fc.option(fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), when: fc.integer({ min: 0, max: 2 }), value: fc.integer({ min: 0, max: 9 }) }), { selector: (r) => r.name, minLength: 1, maxLength: 4 }), { nil: undefined }),
      value: fc.oneof(fc.integer({ min: 10, max: 19 }), fc.constant({ a: 'obj', '日本': [1] }), fc.constant({ b: { a: 'deep' } })),
    }),
    { selector: (r) => r.name, minLength: 1, maxLength: 8 },
  ),
  base: fc.dictionary(fc.constantFrom(...NAMES, 'other'), fc.oneof(fc.integer({ min: 100, max: 109 }), fc.dictionary(fc.constantFrom(...NAMES), fc.integer({ min: 200, max: 209 }), { maxKeys: 3 })), { maxKeys: 5 }),
  withBase: fc.boolean(),
});

test('randomized: two known keys in a row equal the lookup in the whole document', async (t) => {
  await fc.assert(
    fc.asyncProperty(nested, fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...KEYS)), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 2 }), async ({ entries, base, withBase }, pairs, c) => {
      const rules = entries.flatMap((e) =>
        e.below ? e.below.map((b) => `doc[${JSON.stringify(e.name)}][${JSON.stringify(b.name)}] := ${b.value} if input.c != ${b.when}`) : [`doc[${JSON.stringify(e.name)}] := ${JSON.stringify(e.value)} if input.c != ${e.when}`],
      );
      const { source, policy } = await withOracles(
        rules,
        {
          two: ['data.p.doc[input.k1][input.k2]', 'd[input.k1][input.k2] if d := data.p.doc'],
          named: ['data.p.doc[input.k1].a', 'd[input.k1].a if d := data.p.doc'],
          looped: ['[[k1, k2, v] | some [k1, k2] in input.pairs; v := data.p.doc[k1][k2]]', '[[k1, k2, v] | some [k1, k2] in input.pairs; d := data.p.doc; v := d[k1][k2]]'],
        },
        withBase ? { p: { doc: base } } : undefined,
      );
      for (const [k1, k2] of pairs) agree(t, policy, ['two', 'named'], { k1, k2, c }, source);
      agree(t, policy, ['looped'], { pairs, c }, source);
    }),
    { numRuns: 60 },
  );
});
