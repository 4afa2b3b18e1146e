import test from 'ava';
import fc from 'fast-check';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, compileToPlan } from '../../src/rego/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import type { Func } from '../../src/ir/types.js';
import { RANDOM_POLICY_ENTRYPOINTS, outcome, randomInput, randomPolicy } from '../helpers/random-rule-sets.js';

async function load(source: string, entrypoints: string[], earlyExit?: boolean) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints, ...(earlyExit === undefined ? {} : { earlyExit }) });
  return loadPolicy(wasm, undefined, hostBuiltins);
}

/** Top-level blocks of the rule's function that return before the last one (every rule is planned). */
async function earlyReturns(source: string, rule: string, entrypoint = rule): Promise<number> {
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: [`p/${entrypoint}`] });
  const f = plan.funcs!.funcs.find((x: Func) => x.name === `g0.data.p.${rule}`)!;
  return f.blocks.slice(0, -1).filter((b) => JSON.stringify(b).includes('ReturnLocalStmt')).length;
}

// A later body that fails with a builtin error shows whether it ran: errors abort evaluation
// (strict builtin errors, the default; the SDK throws them as strings).
const FAILS_IF_RUN = 'to_number("not a number") == 1';

test('bodies all giving true stop at the first that holds', async (t) => {
  const source = `package p\n\nallow if input.x == 1\nallow if ${FAILS_IF_RUN}\n`;
  t.deepEqual((await load(source, ['p/allow'])).evaluate({ x: 1 }, 'p/allow'), [{ result: true }]);
  const everyBody = await load(source, ['p/allow'], false);
  t.regex(outcome(() => everyBody.evaluate({ x: 1 }, 'p/allow')), /^error: eval_builtin_error: to_number/);
  // When the first body does not hold, the second runs (and fails) with early exit too.
  const early = await load(source, ['p/allow']);
  t.regex(outcome(() => early.evaluate({ x: 2 }, 'p/allow')), /^error: eval_builtin_error: to_number/);
});

test('functions with arguments, else chains and defaults exit early when every value is the same constant', async (t) => {
  const source = [
    'package p',
    'default allow := "no"',
    'allow := "ok" if input.x == 1 else := "ok" if input.x == 2',
    `allow := "ok" if ${FAILS_IF_RUN}`,
    'f(x) := {"k": [1]} if x == 1',
    `f(x) := {"k": [1]} if ${FAILS_IF_RUN}`,
    'g := f(input.x)',
  ].join('\n');
  const p = await load(source, ['p/allow', 'p/g']);
  t.deepEqual(p.evaluate({ x: 2 }, 'p/allow'), [{ result: 'ok' }]);
  t.deepEqual(p.evaluate({ x: 1 }, 'p/g'), [{ result: { k: [1] } }]);
  t.is(await earlyReturns(source, 'allow'), 2);
  t.is(await earlyReturns(source, 'f', 'g'), 2);
});

test('bodies giving different or computed values all run, so conflicts are still raised', async (t) => {
  const differing = 'package p\n\nv := 1 if input.x == 1\nv := 2 if input.y == 1\n';
  t.is(await earlyReturns(differing, 'v'), 0);
  const p = await load(differing, ['p/v']);
  t.regex(outcome(() => p.evaluate({ x: 1, y: 1 }, 'p/v')), /^error: eval_conflict_error/);
  const computed = 'package p\n\nv := input.a if input.x == 1\nv := input.b if input.y == 1\n';
  t.is(await earlyReturns(computed, 'v'), 0);
  const q = await load(computed, ['p/v']);
  t.regex(outcome(() => q.evaluate({ x: 1, y: 1, a: 1, b: 2 }, 'p/v')), /^error: eval_conflict_error/);
  // A single definition, partial sets and objects are planned as before.
  t.is(await earlyReturns('package p\n\ns contains 1 if input.x == 1\ns contains 1 if input.y == 1\n', 's'), 0);
});

test('early exit gives the results and conflicts of running every body (generated policies × inputs)', async (t) => {
  await fc.assert(
    fc.asyncProperty(randomPolicy(), fc.array(randomInput, { minLength: 3, maxLength: 6 }), async (source, inputs) => {
      const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: RANDOM_POLICY_ENTRYPOINTS });
      const everyBody = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: RANDOM_POLICY_ENTRYPOINTS, earlyExit: false });
      const early = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
      // Early returns from parts of split functions, too.
      const earlySplit = await loadPolicy(await compilePlan(plan, { functionStatementLimit: 2 }), undefined, hostBuiltins);
      const oracle = await loadPolicy(await compilePlan(everyBody), undefined, hostBuiltins);
      for (const input of inputs) {
        for (const e of RANDOM_POLICY_ENTRYPOINTS) {
          const expected = outcome(() => oracle.evaluate(input, e));
          t.is(outcome(() => early.evaluate(input, e)), expected, `${e} ${JSON.stringify(input)}\n${source}`);
          t.is(outcome(() => earlySplit.evaluate(input, e)), expected, `split: ${e} ${JSON.stringify(input)}\n${source}`);
        }
      }
    }),
    { numRuns: 40 },
  );
});
