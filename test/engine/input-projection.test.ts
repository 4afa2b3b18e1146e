import test from 'ava';
import fc from 'fast-check';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../../src/builtins/index.js';
import { canonicalJson } from '../../src/engine/canonical-json.js';
import { Engine } from '../../src/engine/engine.js';
import { moduleInputReads, projectedInputKey, projectedInputKeyOfValue, readTreeOf } from '../../src/engine/input-projection.js';
import { buildRevision } from '../../src/engine/revision.js';
import { compile, compileToPlan } from '../../src/rego/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { inputReads, type InputReads } from '../../src/wasm/input-reads.js';
import { INDEXED_POLICY_ENTRYPOINTS, randomIndexedData, randomIndexedInput, randomIndexedPolicy } from '../helpers/random-indexed-rules.js';
import { outcome, RANDOM_POLICY_ENTRYPOINTS, randomPolicy } from '../helpers/random-rule-sets.js';

async function readsOf(source: string, entrypoint = 'p/allow') {
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: [entrypoint] });
  return inputReads(plan).get(entrypoint);
}

test('a policy reads the parts of its input it looks up by constant keys, whole where it uses them', async (t) => {
  const source = `package p
allow if {
	input.method == "GET"
	input.user.roles[_] == "admin"
	count(input.items) > 0
	input.list[0] == 1
	input.flags.beta
}
`;
  t.deepEqual(await readsOf(source), {
    's:method': true,
    's:user': { 's:roles': true },
    's:items': true,
    's:list': { 'n:0': true },
    's:flags': { 's:beta': true },
  });
});

test('the whole input is read when it is used as a value, looked up by a variable or replaced in part', async (t) => {
  for (const body of ['json.marshal(input) != ""', 'some k; input[k] == 1', 'x := input; x.a == 1', 'walk(input, [_, 1])', 'data.p.q with input.a as 1']) {
    t.is(await readsOf(`package p\nq if input.b\nallow if {\n\t${body}\n}\n`), true, body);
  }
  // A function is followed: only what it looks up of its argument is read.
  t.deepEqual(await readsOf('package p\nf(x) := x.a\nallow if f(input.o) == 1\n'), { 's:o': { 's:a': true } });
  // A replaced input is the policy's own value: reading it reads nothing more of the caller's.
  t.deepEqual(await readsOf('package p\nq if input.b == 1\nallow if data.p.q with input as {"b": 1}\n'), { 's:b': true });
});

test('an input replaced by a part of itself is followed a bounded depth, covering what is read through it', async (t) => {
  // The input holds input.x, then input.x.x, …: the analysis used to grow paths without end (the compile never finished).
  for (const body of ['x := input.x\n\tnot h with input as x', 'not h with input as input.x', 'h with input as input.x']) {
    const reads = await readsOf(`package p\nh if input.y\nallow if {\n\t${body}\n}\n`);
    t.not(reads, undefined, body);
    const x = reads === true ? true : reads!['s:x'];
    t.true(x === true || (x !== undefined && x['s:y'] !== undefined), `${body}: input.x.y is read`);
  }
});

const POLICY = `package p
default allow := false
allow if {
	input.action == "read"
	input.user in data.readers
}
reasons contains sprintf("%s may not %s", [input.user, input.action]) if not allow
decision := {"allow": allow, "reasons": reasons}
`;

test('decisions are cached by what the policy reads: inputs that differ elsewhere share one, and each answer carries its own input', async (t) => {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: POLICY }], entrypoints: ['p/decision'] });
  const engine = new Engine();
  engine.swap(await buildRevision({ wasm, data: { readers: ['ann'] }, source: 'test' }));
  const ask = (input: object) => engine.decide(input, 'p/decision', 'authz');
  const first = ask({ action: 'read', user: 'ann', request_id: 'r1', time: 1 });
  t.false(first.cached);
  t.true(first.decision.allow);
  const other = ask({ action: 'read', user: 'ann', request_id: 'r2', time: 2 });
  t.true(other.cached, 'a request id and a time the policy never reads do not make a new decision');
  t.true(other.inputJson.includes('"r2"'), 'the answer (and its log record) has the input it was asked with');
  const denied = ask({ action: 'write', user: 'ann', request_id: 'r3' });
  t.false(denied.cached);
  t.deepEqual(denied.decision, { allow: false, reasons: ['ann may not write'] });
  t.false(ask({ action: 'read', user: 'bob', request_id: 'r1' }).cached);
  t.false(ask({ action: 'read', request_id: 'r1' }).cached, 'a field missing is not a field present');
});

test('a decision asked with the input value beside its text is keyed as the text alone would key it', async (t) => {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: POLICY }], entrypoints: ['p/decision'] });
  const engine = new Engine();
  engine.swap(await buildRevision({ wasm, data: { readers: ['ann'] }, source: 'test' }));
  const withValue = (input: object) => engine.decide(undefined, 'p/decision', 'authz', { inputJson: JSON.stringify(input), inputValue: input });
  t.false(withValue({ action: 'read', request_id: 'r1', user: 'ann' }).cached);
  t.truthy(engine.lookup(JSON.stringify({ action: 'read', request_id: 'r2', user: 'ann' }), 'p/decision', 'authz'), 'found by the text of an input alike in what is read');
  t.true(withValue({ action: 'read', request_id: 'r3', user: 'ann' }).cached);
  t.false(withValue({ action: 'read', request_id: 'r3', user: 'bob' }).cached);
  engine.decide(undefined, 'p/decision', 'authz', { inputJson: JSON.stringify({ action: 'write', user: 'cy' }) });
  t.true(withValue({ action: 'write', user: 'cy', x: 1 }).cached, 'a decision stored by its text is found by the value');
});

test('a module without the section (built by OPA), or with a bad one, keys the cache by the whole input', async (t) => {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: POLICY }], entrypoints: ['p/decision'] });
  t.deepEqual([...moduleInputReads(wasm)!.keys()], ['p/decision']);
  // The section is last: cut it off (its id, its size's LEB128 bytes, its name), or break its JSON.
  const name = Buffer.from('warden.input_reads');
  const at = Buffer.from(wasm).lastIndexOf(name);
  const size = 1 + name.length + (wasm.length - at - name.length);
  const withoutSection = wasm.slice(0, at - 2 - (size < 128 ? 1 : size < 16_384 ? 2 : 3));
  t.is(moduleInputReads(withoutSection), undefined);
  const broken = wasm.slice();
  broken[broken.length - 1] = 0x7b;
  t.is(moduleInputReads(broken), undefined);
  const engine = new Engine();
  engine.swap(await buildRevision({ wasm: withoutSection, data: { readers: ['ann'] }, source: 'test' }));
  engine.decide({ action: 'read', user: 'ann', request_id: 'r1' }, 'p/decision', 'authz');
  t.false(engine.decide({ action: 'read', user: 'ann', request_id: 'r2' }, 'p/decision', 'authz').cached);
});

/** `input` with some of its fields replaced by `noise` (fields of the same inputs, and one no policy reads). */
function withNoise(input: Record<string, unknown>, noise: Record<string, unknown>, replace: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input, unread: noise.unread };
  for (const k of replace) {
    if (k in noise) out[k] = noise[k];
    else delete out[k];
  }
  return out;
}

test('inputs alike in what an entrypoint reads get the same result from it (generated policies and inputs)', async (t) => {
  let alike = 0;
  const fields = ['a', 'b', 'x', 'n', 's', 'path', 'missing'];
  const check = async (source: string, entrypoints: readonly string[], data: unknown, pairs: Array<[Record<string, unknown>, Record<string, unknown>, string[]]>) => {
    const wasm = await compilePlan(await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: [...entrypoints] }));
    const reads = moduleInputReads(wasm);
    const policy = await loadPolicy(wasm, undefined, hostBuiltins);
    policy.setData(data as object);
    for (const [input, noise, replace] of pairs) {
      const other = withNoise(input, { ...noise, unread: 'noise' }, replace);
      for (const e of entrypoints) {
        const tree = reads?.get(e);
        if (!tree || projectedInputKey(tree, canonicalJson(input)) !== projectedInputKey(tree, canonicalJson(other))) continue;
        alike++;
        t.is(outcome(() => policy.evaluate(other, e)), outcome(() => policy.evaluate(input, e)), `${e}: ${JSON.stringify(input)} vs ${JSON.stringify(other)}\n${source}`);
      }
    }
  };
  const replaced = fc.subarray(fields, { minLength: 1 });
  await fc.assert(
    fc.asyncProperty(randomIndexedPolicy(), randomIndexedData, fc.array(fc.tuple(randomIndexedInput, randomIndexedInput, replaced), { minLength: 3, maxLength: 6 }), async (source, data, pairs) => {
      await check(source, INDEXED_POLICY_ENTRYPOINTS, data, pairs as Array<[Record<string, unknown>, Record<string, unknown>, string[]]>);
    }),
    { numRuns: 40 },
  );
  await fc.assert(
    fc.asyncProperty(randomPolicy(true), fc.array(fc.tuple(randomIndexedInput, randomIndexedInput, replaced), { minLength: 3, maxLength: 6 }), async (source, pairs) => {
      await check(source, RANDOM_POLICY_ENTRYPOINTS, {}, pairs as Array<[Record<string, unknown>, Record<string, unknown>, string[]]>);
    }),
    { numRuns: 40 },
  );
  t.true(alike > 200, `only ${alike} pairs of inputs were alike: the property says little`);
});

test('a projected key reads the input in time linear in its text, and keys text that is not plain JSON by all of it', async (t) => {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: POLICY }], entrypoints: ['p/decision'] });
  const tree = moduleInputReads(wasm)!.get('p/decision')!;
  // Many strings, then a backslash at the very end: each string's search must stop at its own end.
  const many = `{"action":"read","noise":[${Array.from({ length: 100_000 }, () => '"x"').join(',')}],"user":"a\\\\b"}`;
  const started = performance.now();
  t.is(projectedInputKey(tree, many), '{"read","a\\\\b",}');
  t.true(performance.now() - started < 2_000, 'linear, not quadratic');
  t.is(projectedInputKey(tree, '{"user":"ann","action":"read"}'), '{"read","ann",}');
  t.is(projectedInputKey(tree, '{"us\\u0065r":"ann"}'), '{~,"ann",}', 'an escaped key is decoded');
  for (const bad of ['{"action":"read"', '{"action" "read"}', '{"action":"read"} x', '"open']) t.is(projectedInputKey(tree, bad), `\0${bad}`);
});

test('a projected key read from the input value is the one read from its JSON text (generated values and trees)', (t) => {
  const key = fc.constantFrom('a', 'b', 'c', '', 'é', 'a"b', 'x\\y', '__proto__', 'constructor');
  const reads: fc.Arbitrary<InputReads> = fc.letrec<{ node: InputReads }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(true as const),
      fc.dictionary(fc.oneof(key.map((k) => `s:${k}`), fc.integer({ min: -1, max: 3 }).map((i) => `n:${i}`)), tie('node'), { maxKeys: 4 }),
    ),
  })).node;
  const value = fc.jsonValue({ maxDepth: 4 }).chain((v) => fc.constant(v));
  const withKeys = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      value,
      fc.dictionary(key, tie('v'), { maxKeys: 5 }),
      fc.array(tie('v'), { maxLength: 4 }),
    ),
  })).v;
  let compared = 0;
  fc.assert(
    fc.property(reads, withKeys, (r, v) => {
      const tree = readTreeOf(r);
      compared++;
      return projectedInputKeyOfValue(tree, v) === projectedInputKey(tree, JSON.stringify(v));
    }),
    { numRuns: 2000 },
  );
  t.true(compared >= 2000);
  // An array's hole is written null; members whose value is undefined are left out.
  const tree = readTreeOf({ 's:a': { 'n:1': true, 'n:2': { 's:b': true } }, 's:u': true });
  const holey = { a: [1, undefined, undefined], u: undefined };
  t.is(projectedInputKeyOfValue(tree, holey), projectedInputKey(tree, JSON.stringify(holey)));
});
