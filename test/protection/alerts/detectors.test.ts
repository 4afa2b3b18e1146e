import test from 'ava';
import { setImmediate as tick } from 'node:timers/promises';
import { MemoryStore } from '../../../src/protection/memory-store.js';
import { event, remote, watch } from './helpers.js';

const web = 'spiffe://example.org/ns/shop/sa/web';
const batch = 'spiffe://example.org/ns/ops/sa/batch';

test('newEdge: edges allowed while learning are known; after it, a new edge alerts once, with its labels on the log', (t) => {
  const w = watch({ newEdge: { learnFor: '10m' } });
  w.monitor.observe(event(w.clock, { service: 'payments' }));
  w.monitor.observe(event(w.clock, { service: 'ledger', deniedBy: 'policy' }));
  w.clock.ms += 10 * 60_000;
  w.monitor.observe(event(w.clock, { service: 'payments' }));
  t.deepEqual(w.alerts(), [], 'the learned edge is usual');
  w.monitor.observe(event(w.clock, { service: 'ledger', deniedBy: 'policy', address: '10.0.0.7' }));
  t.is(w.alerts().length, 1, 'an edge only denied while learning was not learned');
  t.like(w.alerts()[0], { level: 40, alert: 'new_edge', subject: web, service: 'ledger', address: '10.0.0.7', counts: {} });
  w.monitor.observe(event(w.clock, { subject: batch, service: 'payments' }));
  t.like(w.alerts()[1], { alert: 'new_edge', subject: batch, service: 'payments' });
  for (let i = 0; i < 5; i++) {
    w.clock.ms += 3_600_000;
    w.monitor.observe(event(w.clock, { subject: batch, service: 'payments' }));
  }
  t.is(w.alerts().length, 2, 'once seen, an edge is known: it alerts once, not once per active period');
  t.deepEqual(w.counted, ['new_edge', 'new_edge']);
});

test('newEdge: nothing alerts during learning, however new', (t) => {
  const w = watch({ newEdge: { learnFor: '1m' } });
  w.clock.ms += 59_999;
  w.monitor.observe(event(w.clock, { subject: batch, service: 'anything' }));
  t.deepEqual(w.alerts(), []);
  w.clock.ms += 1;
  w.monitor.observe(event(w.clock, { subject: batch, service: 'else' }));
  t.is(w.alerts().length, 1);
});

test('denyBurst: the count-th denial within the window alerts; not again while active; again after it resolves', (t) => {
  const w = watch({ denyBurst: { count: 5, within: '60s' }, resolveAfter: '2m' });
  for (let i = 0; i < 10; i++) w.monitor.observe(event(w.clock, { allowed: true }));
  for (let i = 0; i < 4; i++) {
    w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
    w.clock.ms += 1000;
  }
  t.deepEqual(w.alerts(), [], 'allowed calls and four denials are no burst');
  w.monitor.observe(event(w.clock, { deniedBy: 'rate_limit', service: 'ledger' }));
  t.is(w.alerts().length, 1);
  t.like(w.alerts()[0], { alert: 'deny_burst', subject: web, service: 'ledger', counts: { denials: 5, withinMs: 60_000 } });
  for (let i = 0; i < 30; i++) {
    w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
    w.clock.ms += 1000;
  }
  t.is(w.alerts().length, 1, 'the same alert is not raised again while it is active');
  w.clock.ms += 90_000;
  for (let i = 0; i < 5; i++) w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
  t.is(w.alerts().length, 2, 'raised again once the first has resolved');
  t.deepEqual(w.counted, ['deny_burst', 'deny_burst']);
});

test('denyBurst: denials that fall out of the window do not add up', (t) => {
  const w = watch({ denyBurst: { count: 3, within: '8s' } });
  for (let i = 0; i < 10; i++) {
    w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
    w.clock.ms += 5000;
  }
  t.deepEqual(w.alerts(), []);
});

test('denyBurst: subjects are counted apart, and each has its own alert', (t) => {
  const w = watch({ denyBurst: { count: 3, within: '60s' } });
  for (let i = 0; i < 3; i++) {
    w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
    w.monitor.observe(event(w.clock, { subject: batch, deniedBy: 'policy' }));
  }
  t.deepEqual(w.alerts().map((l) => l['subject']), [web, batch]);
});

test('identitySpread: one identity from N distinct addresses within the window alerts; not again while active; again after', (t) => {
  const w = watch({ identitySpread: { addresses: 3, within: '60s' }, resolveAfter: '1m' });
  for (let i = 0; i < 10; i++) w.monitor.observe(event(w.clock, { address: '10.0.0.1' }));
  w.monitor.observe(event(w.clock, { address: '10.0.0.2' }));
  w.monitor.observe(event(w.clock, { subject: batch, address: '10.9.9.9' }));
  t.deepEqual(w.alerts(), [], 'two addresses for one identity');
  w.monitor.observe(event(w.clock, { address: '10.0.0.3', service: 'ledger' }));
  t.like(w.alerts(), [{ alert: 'identity_spread', subject: web, address: '10.0.0.3', service: 'ledger', counts: { addresses: 3, withinMs: 60_000 } }]);
  w.clock.ms += 30_000;
  w.monitor.observe(event(w.clock, { address: '10.0.0.4' }));
  t.is(w.alerts().length, 1, 'active: not raised again');
  w.clock.ms += 31_000;
  for (const a of ['10.1.0.1', '10.1.0.2']) w.monitor.observe(event(w.clock, { address: a }));
  t.is(w.alerts().length, 2, 'resolved, and still spread: raised again');
  t.like(w.alerts()[1], { counts: { addresses: 3 } }, 'addresses seen more than 60 s ago no longer count');
});

/** Steady traffic for `seconds` at `perSecond` from each subject, evenly spread, ending at the clock's new time. */
function steady(w: ReturnType<typeof watch>, seconds: number, perSecond: number, subjects = [web]): void {
  const gap = 1000 / perSecond;
  const end = w.clock.ms + seconds * 1000;
  for (let at = w.clock.ms; at < end; at += gap) {
    w.clock.ms = Math.floor(at);
    for (const subject of subjects) w.monitor.observe(event(w.clock, { subject }));
  }
  w.clock.ms = end;
}

test('rateSpike: a subject at factor × its baseline (and over minPerSecond) alerts; a steady subject never does', (t) => {
  const w = watch({ rateSpike: { factor: 5, minPerSecond: 10, window: '10s', baseline: '5m' } });
  steady(w, 1200, 4, [web, batch]);
  t.deepEqual(w.alerts(), [], 'steady rates are usual');
  steady(w, 10, 15);
  t.deepEqual(w.alerts(), [], '15/s is over minPerSecond but not 5× a baseline of 4/s');
  steady(w, 12, 40);
  t.is(w.alerts().length, 1);
  t.like(w.alerts()[0], { alert: 'rate_spike', subject: web });
  const counts = w.alerts()[0]!['counts'] as { perSecond: number; baselinePerSecond: number };
  t.true(counts.perSecond >= 20 && counts.perSecond <= 40, `rate ${counts.perSecond}`);
  t.true(counts.baselinePerSecond > 3 && counts.baselinePerSecond < 6, `baseline ${counts.baselinePerSecond}`);
});

test('rateSpike: under minPerSecond is no spike, whatever the factor; a new subject is not judged before its baseline', (t) => {
  const w = watch({ rateSpike: { factor: 5, minPerSecond: 10, window: '10s', baseline: '5m' } });
  steady(w, 600, 0.2);
  steady(w, 30, 5);
  t.deepEqual(w.alerts(), [], '25× the baseline, but 5/s only');
  steady(w, 30, 50, [batch]);
  t.deepEqual(w.alerts(), [], 'a subject first seen now has no baseline yet');
});

test('rateSpike: not raised again while active, raised again after it resolves if the rate is still far over the baseline', (t) => {
  const w = watch({ rateSpike: { factor: 5, minPerSecond: 10, window: '10s', baseline: '1h' }, resolveAfter: '1m' });
  steady(w, 600, 2);
  steady(w, 50, 40);
  t.is(w.alerts().length, 1, 'one alert for a spike that goes on');
  steady(w, 20, 40);
  t.is(w.alerts().length, 2, 'after the first resolved (1 m), a second');
});

test('rateSpike: a silent stretch lowers the baseline, so a return to the old rate after long is a spike again', (t) => {
  const w = watch({ rateSpike: { factor: 5, minPerSecond: 10, window: '10s', baseline: '2m' } });
  steady(w, 300, 20);
  w.clock.ms += 3_600_000;
  steady(w, 20, 20);
  t.is(w.alerts().length, 1);
});

test('a store that answers with promises gives the same alerts', async (t) => {
  const w = watch({ newEdge: { learnFor: '1s' }, denyBurst: { count: 2, within: '10s' }, identitySpread: { addresses: 2, within: '10s' } }, { store: remote(new MemoryStore()) });
  w.clock.ms += 1000;
  w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
  w.monitor.observe(event(w.clock, { deniedBy: 'policy', address: '10.0.0.2' }));
  t.deepEqual(w.alerts(), [], 'observe does not wait for the store');
  for (let i = 0; i < 10; i++) await tick();
  t.deepEqual(w.alerts().map((l) => l['alert']).sort(), ['deny_burst', 'identity_spread', 'new_edge']);
  w.monitor.observe(event(w.clock, { deniedBy: 'policy', address: '10.0.0.3' }));
  for (let i = 0; i < 10; i++) await tick();
  t.is(w.alerts().length, 3, 'active alerts are held back through a remote store too');
});

test('a failing store is logged (not on every call), never thrown into the decision path', async (t) => {
  const failing = remote(new MemoryStore());
  failing.count = () => {
    throw new Error('store down');
  };
  failing.distinct = async () => {
    throw new Error('store down');
  };
  const w = watch({ denyBurst: { count: 1, within: '10s' }, identitySpread: { addresses: 2, within: '10s' } }, { store: failing });
  for (let i = 0; i < 8; i++) t.notThrows(() => w.monitor.observe(event(w.clock, { deniedBy: 'policy' })));
  for (let i = 0; i < 10; i++) await tick();
  const errors = w.lines.filter((l) => l['level'] === 50);
  t.true(errors.length >= 1 && errors.length <= 5, `${errors.length} error lines for 16 failures`);
  t.regex(String(errors[0]!['msg']), /protection store failed/);
});
