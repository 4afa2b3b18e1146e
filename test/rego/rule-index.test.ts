import test from 'ava';
import fc from 'fast-check';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, compileToPlan } from '../../src/rego/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import type { Func } from '../../src/ir/types.js';
import { outcome } from '../helpers/random-rule-sets.js';
import { INDEXED_POLICY_ENTRYPOINTS, randomIndexedData, randomIndexedInput, randomIndexedPolicy } from '../helpers/random-indexed-rules.js';

async function load(source: string, entrypoints: string[], ruleIndex?: boolean) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints, ...(ruleIndex === undefined ? {} : { ruleIndex }) });
  return loadPolicy(wasm, undefined, hostBuiltins);
}

/** The functions planned for the definitions of `rule` that the index selects from. */
async function leaves(source: string, rule: string, ruleIndex?: boolean): Promise<Func[]> {
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: [`p/${rule}`], ...(ruleIndex === undefined ? {} : { ruleIndex }) });
  return plan.funcs!.funcs.filter((f: Func) => f.name.startsWith(`g0.data.p.${rule}#`));
}

// A definition that fails with a builtin error shows whether it ran (strict builtin errors).
const FAILS_IF_RUN = 'to_number("not a number") == 1';

test('definitions whose constant differs from the ref are not run; the others are, in order', async (t) => {
  const source = [
    'package p',
    `allow if { ${FAILS_IF_RUN}; input.method == "GET" }`,
    'allow if { input.method == "POST"; input.path == "/b" }',
    'allow if input.admin == true',
  ].join('\n');
  t.is((await leaves(source, 'allow')).length, 2, 'one leaf per constant of input.method; the admin body runs in place');
  t.is((await leaves(source, 'allow', false)).length, 0);
  const indexed = await load(source, ['p/allow']);
  const every = await load(source, ['p/allow'], false);
  t.deepEqual(indexed.evaluate({ method: 'POST', path: '/b' }, 'p/allow'), [{ result: true }]);
  // Every body: the GET body runs and fails before its comparison; indexed, it is not run at all
  // (as in OPA's evaluator, an error in a definition the index rules out is not raised).
  t.regex(outcome(() => every.evaluate({ method: 'POST', path: '/b' }, 'p/allow')), /^error: eval_builtin_error/);
  t.regex(outcome(() => indexed.evaluate({ method: 'GET' }, 'p/allow')), /^error: eval_builtin_error/);
  // An undefined ref matches no indexed body; bodies without an indexable expression still run.
  t.deepEqual(indexed.evaluate({ admin: true }, 'p/allow'), [{ result: true }]);
  t.deepEqual(indexed.evaluate({}, 'p/allow'), []);
});

test('the key is the ref with the most distinct constants; numbers compare by value, strings are not numbers', async (t) => {
  const source = ['package p', 'v := "int" if { input.m == "GET"; input.k == 1 }', 'v := "str" if { input.m == "GET"; input.k == "1" }', 'v := "bool" if { input.m == "GET"; input.k == true }', 'w := "same" if input.k == 1.0', 'w := "same" if input.k == 1e0'].join('\n');
  const keys = (await leaves(source, 'v')).length;
  t.is(keys, 3, 'indexed on input.k (three values), not input.m (one)');
  t.is((await leaves(source, 'w')).length, 1, '1.0 and 1e0 are one constant');
  const p = await load(source, ['p/v', 'p/w']);
  t.deepEqual(p.evaluate({ m: 'GET', k: 1 }, 'p/v'), [{ result: 'int' }]);
  t.deepEqual(p.evaluate({ m: 'GET', k: '1' }, 'p/v'), [{ result: 'str' }]);
  t.deepEqual(p.evaluate({ m: 'GET', k: true }, 'p/v'), [{ result: 'bool' }]);
  t.deepEqual(p.evaluate({ m: 'GET', k: 1 }, 'p/w'), [{ result: 'same' }]);
  t.deepEqual(p.evaluate({ m: 'GET', k: [1] }, 'p/v'), []);
});

test('membership in a constant set or array selects the definition for each of its items', async (t) => {
  const source = ['package p', 'v := "read" if input.m in {"GET", "HEAD"}', 'v := "write" if input.m in ["POST", "PUT", 1]', 'v := "other" if input.m == "PATCH"'].join('\n');
  t.is((await leaves(source, 'v')).length, 6);
  const p = await load(source, ['p/v']);
  t.deepEqual(p.evaluate({ m: 'HEAD' }, 'p/v'), [{ result: 'read' }]);
  t.deepEqual(p.evaluate({ m: 'PUT' }, 'p/v'), [{ result: 'write' }]);
  t.deepEqual(p.evaluate({ m: 1 }, 'p/v'), [{ result: 'write' }]);
  t.deepEqual(p.evaluate({ m: 'DELETE' }, 'p/v'), []);
});

test('conflicts between definitions of one constant and of different runs are still raised', async (t) => {
  const source = ['package p', 'v := 1 if input.k == "a"', 'v := 2 if input.k == "a"', 'u := 1 if input.k == "a"', 'u := 2 if input.j > 0', 'u := 3 if input.k == "b"', 'o["x"] := 1 if input.k == "a"', 'o["x"] := 2 if input.k == "a"'].join('\n');
  const p = await load(source, ['p/v', 'p/u', 'p/o']);
  t.regex(outcome(() => p.evaluate({ k: 'a' }, 'p/v')), /^error: eval_conflict_error/);
  t.regex(outcome(() => p.evaluate({ k: 'a', j: 1 }, 'p/u')), /^error: eval_conflict_error/);
  t.deepEqual(p.evaluate({ k: 'b' }, 'p/u'), [{ result: 3 }]);
  t.regex(outcome(() => p.evaluate({ k: 'a' }, 'p/o')), /^error: eval_conflict_error/);
});

test('with input and with data replacements are what the index looks up', async (t) => {
  const source = ['package p', 'v := "a" if input.k == "a"', 'v := "b" if input.k == "b"', 'd := "x" if data.cfg.mode == "x"', 'd := "y" if data.cfg.mode == "y"', 'r := [x, y] if {', '\tx := v with input.k as "b"', '\ty := d with data.cfg.mode as "y"', '}'].join('\n');
  t.is((await leaves(source, 'd')).length, 2);
  const p = await load(source, ['p/r']);
  p.setData({ cfg: { mode: 'x' } });
  t.deepEqual(p.evaluate({ k: 'a' }, 'p/r'), [{ result: ['b', 'y'] }]);
});

test('functions are indexed on constant arguments', async (t) => {
  const source = ['package p', 'f("GET") := 1', 'f("POST") := 2', 'f(x) := 3 if x == "PUT"', 'r := [f("GET"), f("POST"), f("PUT")]', 'q := f("DELETE")'].join('\n');
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: ['p/r'] });
  t.is(plan.funcs!.funcs.filter((f: Func) => f.name.startsWith('g0.data.p.f#')).length, 3);
  const p = await load(source, ['p/r', 'p/q']);
  t.deepEqual(p.evaluate({}, 'p/r'), [{ result: [1, 2, 3] }]);
  t.deepEqual(p.evaluate({}, 'p/q'), []);
});

test('a rule set comparing different refs is dispatched on each of them (a deny list of users, addresses and paths)', async (t) => {
  const source = ['package p', 'deny if input.user == "u1"', 'deny if input.ip == "10.0.0.1"', 'deny if input.user == "u2"', 'deny if input.ip == "10.0.0.2"', 'deny if input.path == "/admin"', 'deny if { input.path == "/debug"; input.debug == false }'].join('\n');
  t.is((await leaves(source, 'deny')).length, 6, 'one leaf per constant of each of the three refs');
  const indexed = await load(source, ['p/deny']);
  const every = await load(source, ['p/deny'], false);
  for (const input of [{ ip: '10.0.0.2' }, { user: 'u1', path: '/x' }, { path: '/debug', debug: false }, { path: '/debug' }, { user: 'u3', ip: '10.0.0.3' }, {}]) {
    t.deepEqual(indexed.evaluate(input, 'p/deny'), every.evaluate(input, 'p/deny'), JSON.stringify(input));
  }
  t.deepEqual(indexed.evaluate({ ip: '10.0.0.2' }, 'p/deny'), [{ result: true }]);
  t.deepEqual(indexed.evaluate({ user: 'u3' }, 'p/deny'), []);
});

test('across keys, a definition that may fail keeps its place: an early exit does not skip its error', async (t) => {
  // Dispatching on input.u first would find the third definition and stop before the second's error.
  const source = ['package p', 'a if input.u == "x"', 'a if { input.ip == "y"; to_number(input.n) > 0 }', 'a if input.u == "w"', 'a if input.ip == "z"'].join('\n');
  const indexed = await load(source, ['p/a']);
  const every = await load(source, ['p/a'], false);
  const input = { u: 'w', ip: 'y', n: 'not a number' };
  t.regex(outcome(() => every.evaluate(input, 'p/a')), /^error: eval_builtin_error/);
  t.is(outcome(() => indexed.evaluate(input, 'p/a')), outcome(() => every.evaluate(input, 'p/a')));
  t.deepEqual(indexed.evaluate({ u: 'w', ip: 'y', n: '1' }, 'p/a'), [{ result: true }]);
  t.deepEqual(indexed.evaluate({ u: 'w' }, 'p/a'), [{ result: true }]);
});

test('violations with sprintf messages over different refs are dispatched on each; a replaced sprintf keeps every definition in place', async (t) => {
  const source = [
    'package p',
    'violations contains sprintf("kind %s", [input.kind]) if input.kind == "K1"',
    'violations contains sprintf("user %s", [input.user]) if input.user == "u1"',
    'violations contains sprintf("kind %s", [input.kind]) if input.kind == "K2"',
    'violations contains sprintf("user %s", [input.user]) if input.user == "u2"',
    'a if input.u == "x"',
    'a if { input.ip == "y"; sprintf("%v", [input.n]) == "1" }',
    'a if input.u == "w"',
    'a if input.ip == "z"',
    'failing(_, _) := to_number("not a number")',
    'r if a with sprintf as failing',
  ].join('\n');
  t.is((await leaves(source, 'violations')).length, 4, 'one run: a leaf per constant of both refs');
  const indexed = await load(source, ['p/violations', 'p/a', 'p/r']);
  const every = await load(source, ['p/violations', 'p/a', 'p/r'], false);
  const input = { kind: 'K2', user: 'u1', u: 'w', ip: 'y', n: 1 };
  t.deepEqual(indexed.evaluate(input, 'p/violations'), [{ result: ['kind K2', 'user u1'] }]);
  t.deepEqual(indexed.evaluate(input, 'p/a'), [{ result: true }]);
  // The second definition fails under the replacement: it must still run before the third.
  t.regex(outcome(() => every.evaluate(input, 'p/r')), /^error: eval_builtin_error/);
  t.is(outcome(() => indexed.evaluate(input, 'p/r')), outcome(() => every.evaluate(input, 'p/r')));
});

test('indexed and unindexed modules give the same results and errors (generated policies × inputs)', async (t) => {
  let cases = 0;
  let prefixIndexed = 0;
  await fc.assert(
    fc.asyncProperty(randomIndexedPolicy(), randomIndexedData, fc.array(randomIndexedInput, { minLength: 3, maxLength: 6 }), fc.boolean(), async (source, data, inputs, strictBuiltinErrors) => {
      const modules = [{ path: 'p.rego', source }];
      const indexedPlan = await compileToPlan({ modules, entrypoints: INDEXED_POLICY_ENTRYPOINTS });
      const everyPlan = await compileToPlan({ modules, entrypoints: INDEXED_POLICY_ENTRYPOINTS, ruleIndex: false });
      // Only a prefix index's dispatch asks whether its key is a string (the policies never do).
      if (JSON.stringify(indexedPlan).includes('"func":"is_string"')) prefixIndexed++;
      // With builtin errors strict (an error ends the evaluation) and not (the call is undefined).
      const indexed = await loadPolicy(await compilePlan(indexedPlan, { strictBuiltinErrors }), undefined, hostBuiltins);
      // Leaves and runs in parts of split functions, too.
      const split = await loadPolicy(await compilePlan(indexedPlan, { functionStatementLimit: 8, strictBuiltinErrors }), undefined, hostBuiltins);
      const oracle = await loadPolicy(await compilePlan(everyPlan, { strictBuiltinErrors }), undefined, hostBuiltins);
      for (const p of [indexed, split, oracle]) p.setData(data);
      for (const input of inputs) {
        for (const e of INDEXED_POLICY_ENTRYPOINTS) {
          const expected = outcome(() => oracle.evaluate(input, e));
          const where = `${e} input ${JSON.stringify(input)} data ${JSON.stringify(data)}\n${source}`;
          t.is(outcome(() => indexed.evaluate(input, e)), expected, where);
          t.is(outcome(() => split.evaluate(input, e)), expected, `split: ${where}`);
          cases++;
        }
      }
    }),
    { numRuns: 60 },
  );
  t.true(cases >= 600, `${cases} evaluations compared`);
  t.true(prefixIndexed >= 30, `${prefixIndexed} of 60 policies with a prefix index`);
});
