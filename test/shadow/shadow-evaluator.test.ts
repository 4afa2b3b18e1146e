import test from 'ava';
import { Registry } from 'prom-client';
import { ShadowEvaluator, ShadowMetrics, type ShadowClock, type ShadowDecide, type ShadowJob } from '../../src/shadow/index.js';

/** A clock the test moves by hand: deferred work and timers run only when it says. */
function fakeClock(): ShadowClock & { time: number; runDeferred(): number; advance(ms: number): void } {
  let deferred: (() => void)[] = [];
  const timers = new Set<{ at: number; fn: () => void }>();
  const clock = {
    time: 0,
    now: () => clock.time,
    defer: (fn: () => void) => void deferred.push(fn),
    setTimer: (fn: () => void, ms: number) => {
      const timer = { at: clock.time + ms, fn };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    /** Runs the deferred turns until none is left; how many ran. */
    runDeferred: () => {
      let ran = 0;
      while (deferred.length > 0) {
        const turn = deferred;
        deferred = [];
        for (const fn of turn) (fn(), ran++);
      }
      return ran;
    },
    advance: (ms: number) => {
      clock.time += ms;
      for (const timer of [...timers]) if (timer.at <= clock.time) (timers.delete(timer), timer.fn());
    },
  };
  return clock;
}

function setup(decide: ShadowDecide, options: { sample?: number; queueLimit?: number; random?: () => number } = {}) {
  const clock = fakeClock();
  const registry = new Registry();
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const logger = { warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) } as never;
  const shadow = new ShadowEvaluator({ decide, revision: 'candidate-1', metrics: new ShadowMetrics(registry), logger, clock, budgetMs: 100, ...options });
  return { shadow, clock, registry, lines };
}

const INPUT = JSON.stringify({ subject: { id: 'spiffe://warden.local/ns/shop/sa/frontend' }, action: 'orders.read', resource: { service: 'orders' } });

function job(decisionId: string, allowed = true, inputJson: () => string | Promise<string> = () => INPUT): ShadowJob {
  return { decisionId, entrypoint: 'warden/authz/decision', shape: 'authz', live: { allowed, reasons: allowed ? ['granted'] : ['no grant'] }, inputJson };
}

async function metric(registry: Registry, name: string, kind?: string): Promise<number> {
  const values = (await registry.getSingleMetric(name)!.get()).values;
  return values.find((v) => kind === undefined || v.labels.kind === kind)?.value ?? 0;
}

test('offer only queues: the candidate runs in a later turn, and a disagreement is counted, logged and kept', async (t) => {
  let calls = 0;
  const { shadow, clock, registry, lines } = setup((input) => {
    calls++;
    t.is((input as { action: string }).action, 'orders.read');
    return { allowed: false, reasons: ['candidate says no'] };
  });
  shadow.offer(job('d-1'));
  t.is(calls, 0, 'nothing is evaluated in the turn that answers');
  clock.runDeferred();
  t.is(calls, 1);
  t.is(await metric(registry, 'warden_shadow_evaluations_total'), 1);
  t.is(await metric(registry, 'warden_shadow_disagreements_total', 'allow_to_deny'), 1);
  t.is(lines.length, 1);
  t.is(lines[0]!.fields.decision_id, 'd-1');
  t.is(lines[0]!.fields.subject, 'spiffe://warden.local/ns/shop/sa/frontend');
  t.deepEqual(shadow.recent().map((d) => [d.decisionId, d.kind, d.service, d.action]), [['d-1', 'allow_to_deny', 'orders', 'orders.read']]);
});

test('deny_to_allow, reasons and agreement are told apart', async (t) => {
  const { shadow, clock } = setup((input) => {
    const action = (input as { action: string }).action;
    return action === 'open' ? { allowed: true, reasons: ['granted'] } : { allowed: true, reasons: ['other reason'] };
  });
  const open = () => JSON.stringify({ action: 'open' });
  shadow.offer(job('deny-then-allow', false, open));
  shadow.offer(job('same', true, open));
  shadow.offer(job('reasons', true));
  clock.runDeferred();
  const view = shadow.view();
  t.is(view.evaluations, 3);
  t.deepEqual(view.disagreements, { allow_to_deny: 0, deny_to_allow: 1, reasons: 1, error: 0 });
  t.deepEqual(view.recent.map((d) => d.decisionId), ['deny-then-allow', 'reasons']);
});

test('a candidate that throws is kind error, and the next decision is still evaluated', async (t) => {
  let n = 0;
  const { shadow, clock, registry } = setup(() => {
    if (n++ === 0) throw new Error('boom');
    return { allowed: true, reasons: ['granted'] };
  });
  shadow.offer(job('throws'));
  shadow.offer(job('fine'));
  clock.runDeferred();
  t.is(await metric(registry, 'warden_shadow_disagreements_total', 'error'), 1);
  t.is(shadow.view().evaluations, 2);
  t.deepEqual(shadow.recent()[0]!.shadow, { error: 'boom' });
});

test('a candidate that hangs is cut off at its budget as kind error; the queue moves on', async (t) => {
  let asked = 0;
  const { shadow, clock } = setup((input) => {
    asked++;
    return (input as { action?: string }).action === 'hang' ? new Promise(() => {}) : { allowed: true, reasons: ['granted'] };
  });
  shadow.offer(job('hangs', true, () => JSON.stringify({ action: 'hang' })));
  shadow.offer(job('after'));
  clock.runDeferred();
  t.is(asked, 1, 'the second waits behind the hanging one');
  clock.advance(99);
  await Promise.resolve();
  t.is(shadow.view().evaluations, 0);
  clock.advance(1);
  // The budget's rejection settles through a few promise turns before the next job is deferred.
  for (let i = 0; i < 10; i++) await Promise.resolve();
  clock.runDeferred();
  t.is(asked, 2);
  t.deepEqual(shadow.view().disagreements, { allow_to_deny: 0, deny_to_allow: 0, reasons: 0, error: 1 });
  t.regex(String((shadow.recent()[0]!.shadow as { error: string }).error), /budget of 100 ms exceeded/);
});

test('a synchronous evaluation over the budget is kind error, judged when it ends', (t) => {
  const { shadow, clock } = setup(() => {
    clock.time += 150;
    return { allowed: true, reasons: ['granted'] };
  });
  shadow.offer(job('slow'));
  clock.runDeferred();
  t.is(shadow.view().disagreements.error, 1);
});

test('past the queue limit decisions are dropped and counted', async (t) => {
  const { shadow, clock, registry } = setup(() => ({ allowed: true, reasons: ['granted'] }), { queueLimit: 3 });
  for (let i = 0; i < 5; i++) shadow.offer(job(`d-${i}`));
  t.is(shadow.view().queued, 3);
  t.is(await metric(registry, 'warden_shadow_dropped_total'), 2);
  clock.runDeferred();
  t.is(shadow.view().evaluations, 3);
  t.is(shadow.view().dropped, 2);
});

test('sample 0 evaluates nothing; a sample takes the share the random draw allows', (t) => {
  const none = setup(() => ({ allowed: true, reasons: ['granted'] }), { sample: 0 });
  for (let i = 0; i < 10; i++) none.shadow.offer(job(`d-${i}`));
  t.is(none.clock.runDeferred(), 0);
  t.is(none.shadow.view().evaluations, 0);
  const draws = [0.1, 0.6, 0.2, 0.9];
  const half = setup(() => ({ allowed: true, reasons: ['granted'] }), { sample: 0.5, random: () => draws.shift()! });
  for (let i = 0; i < 4; i++) half.shadow.offer(job(`d-${i}`));
  half.clock.runDeferred();
  t.is(half.shadow.view().evaluations, 2);
});

test('disagreement log lines are rate limited per second; the rest are counted, and all are kept in recent()', async (t) => {
  const { shadow, clock, registry, lines } = setup(() => ({ allowed: false, reasons: ['no'] }));
  for (let i = 0; i < 15; i++) shadow.offer(job(`d-${i}`));
  clock.runDeferred();
  t.is(lines.length, 10);
  t.is(await metric(registry, 'warden_shadow_log_suppressed_total'), 5);
  clock.advance(1000);
  shadow.offer(job('next-second'));
  clock.runDeferred();
  t.is(lines.length, 11);
  t.is(shadow.recent().length, 16);
});

test('recent() keeps the last 100 disagreements', (t) => {
  const { shadow, clock } = setup(() => ({ allowed: false, reasons: ['no'] }));
  for (let i = 0; i < 120; i++) shadow.offer(job(`d-${i}`));
  clock.runDeferred();
  const recent = shadow.recent();
  t.is(recent.length, 100);
  t.is(recent[0]!.decisionId, 'd-20');
  t.is(recent[99]!.decisionId, 'd-119');
});

test('an input that cannot be rebuilt is kind error, not a crash', (t) => {
  const { shadow, clock } = setup(() => ({ allowed: true, reasons: ['granted'] }));
  shadow.offer(job('lost', true, () => {
    throw new Error('the input of this decision could not be rebuilt');
  }));
  clock.runDeferred();
  t.is(shadow.view().disagreements.error, 1);
});
