import test from 'ava';
import { compile } from '../../src/rego/index.js';
import { evaluationSettings, type ServeConfig } from '../../src/server/config.js';
import { startFixture, unary, type Fixture } from './helpers/fixture.js';

// Cache misses decided on the serving thread (InlineEvaluator) in a running service: cheap ones are
// decided there, and one that outlasts its slice goes to the evaluation workers, which deny it at
// the budget, while every other call keeps being answered.

type CheckResponse = { allowed?: boolean; reasons?: string[] };

const POLICY = `package warden.authz

default decision := {"allow": false, "reasons": ["no rule allows it"]}

# The path is read, so that each new path is a new decision (decisions are cached by what is read).
decision := {"allow": true, "reasons": []} if {
  input.action == "read"
  input.resource.path != ""
}

decision := {"allow": count(triples) > 0, "reasons": ["spun"]} if input.action == "spin"

triples contains [i, j, k] if {
  some i, j, k
  data.xs[i] < data.xs[j]
  data.xs[j] < data.xs[k]
}
`;
const BUDGET_MS = 300;

let fx: Fixture;
test.before(async () => {
  fx = await startFixture({
    policyFiles: { 'authz.rego': POLICY, 'data.json': JSON.stringify({ xs: Array.from({ length: 2000 }, (_, i) => i) }) },
    config: { compiler: (modules, entrypoints) => compile({ modules, entrypoints }), evaluation: { budgetMs: BUDGET_MS } },
  });
});
test.after.always(async () => {
  await fx?.close();
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(fx.server.metricsUrl!)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 'NaN');
}

test.serial('cheap misses are decided on the serving thread; one that outlasts its slice is denied by the workers at the budget', async (t) => {
  const c = fx.clients();
  t.teardown(() => c.close());
  // The first misses go to the workers while the serving thread builds its own instance.
  let inline = 0;
  for (let i = 0; i < 100 && inline === 0; i++) {
    const res = await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { path: `/warm/${i}` } });
    t.true(res.allowed, `warm-up ${i}`);
    inline = await metric('warden_serving_thread_evaluations_total');
    if (inline === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.true(inline > 0, 'misses decided on the serving thread');
  const before = await metric('warden_serving_thread_evaluations_total');
  // One call at a time: every miss is decided on the serving thread.
  for (let i = 0; i < 5; i++) t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { path: `/more/${i}` } })).allowed);
  t.is((await metric('warden_serving_thread_evaluations_total')) - before, 5);
  // Many at once: they arrive together, and their misses go to the workers.
  const together = await Promise.all(Array.from({ length: 64 }, (_, i) => unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { path: `/together/${i}` } })));
  t.true(together.every((res) => res.allowed));
  t.true((await metric('warden_serving_thread_evaluations_total')) - before < 5 + 64, 'some of the concurrent misses went to the workers');
  // One at a time again: after a few calls, misses are decided here again.
  const afterBurst = await metric('warden_serving_thread_evaluations_total');
  for (let i = 0; i < 20; i++) t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { path: `/again/${i}` } })).allowed);
  t.true((await metric('warden_serving_thread_evaluations_total')) - afterBurst >= 5);

  // 2,000³ iterations: a slice, then the workers until the budget.
  const started = performance.now();
  const spinning = unary<CheckResponse>(c.authz, 'Check', { action: 'spin' });
  // Meanwhile other calls are answered (by the workers: misses pause on the serving thread).
  const during = await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { path: '/during' } });
  t.true(during.allowed);
  const spun = await spinning;
  t.log(`the runaway was denied after ${(performance.now() - started).toFixed(0)} ms (budget ${BUDGET_MS} ms)`);
  t.deepEqual(spun, { ...spun, allowed: false, reasons: ['evaluation budget exceeded'] });
  t.is(await metric('warden_evaluation_slices_used_up_total'), 1);
  t.true(fx.opsLog.some((l) => String(l.msg).includes('outlasted its slice')));
  const paused = await metric('warden_serving_thread_evaluations_total');
  t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { path: '/after' } })).allowed);
  t.is(await metric('warden_serving_thread_evaluations_total'), paused, 'paused: decided by the workers');
});

test('evaluation.inline is a boolean, true unless set', (t) => {
  const settings = (evaluation?: Record<string, unknown>) => evaluationSettings({ evaluation } as ServeConfig);
  t.true(settings().inline);
  t.false(settings({ inline: false }).inline);
  t.throws(() => settings({ inline: 'no' }), { message: /evaluation\.inline must be true or false/ });
});
