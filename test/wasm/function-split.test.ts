import test from 'ava';
import fc from 'fast-check';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileToPlan } from '../../src/rego/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { generateModule } from '../../src/wasm/compile-plan.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { RANDOM_POLICY_ENTRYPOINTS, outcome, randomInput, randomPolicy } from '../helpers/random-rule-sets.js';

test('functions over the statement limit are split into parts', async (t) => {
  const source = ['package p', '', ...Array.from({ length: 40 }, (_, i) => `allow if input.x == ${i}`)].join('\n');
  // Unindexed: each body is a top-level block of the rule's function (indexed, they are leaves).
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: ['p/allow'], ruleIndex: false });
  const whole = generateModule(plan).functions.filter((f) => f?.name?.includes(' part '));
  const split = generateModule(plan, { functionStatementLimit: 20 }).functions.filter((f) => f?.name?.includes(' part '));
  t.is(whole.length, 0);
  t.true(split.length >= 4, `${split.length} parts`);
});

test('split functions give the same results, conflicts and errors as whole ones, early exits included (generated policies × inputs)', async (t) => {
  await fc.assert(
    fc.asyncProperty(randomPolicy(true), fc.array(randomInput, { minLength: 3, maxLength: 6 }), async (source, inputs) => {
      const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: RANDOM_POLICY_ENTRYPOINTS });
      const whole = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
      const split = await loadPolicy(await compilePlan(plan, { functionStatementLimit: 2 }), undefined, hostBuiltins);
      for (const input of inputs) {
        for (const e of RANDOM_POLICY_ENTRYPOINTS) {
          t.is(outcome(() => split.evaluate(input, e)), outcome(() => whole.evaluate(input, e)), `${e} ${JSON.stringify(input)}\n${source}`);
        }
      }
    }),
    { numRuns: 40 },
  );
});
