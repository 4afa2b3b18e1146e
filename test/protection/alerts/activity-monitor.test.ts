import test from 'ava';
import { banAlert } from '../../../src/protection/alerts/alert.js';
import { parseAlertsConfig } from '../../../src/protection/alerts/config.js';
import { event, watch } from './helpers.js';

const web = 'spiffe://example.org/ns/shop/sa/web';

test('each ban raised by another countermeasure is an alert on the log, active until the ban ends', (t) => {
  const w = watch({});
  const until = w.clock.ms + 5 * 60_000;
  w.monitor.raise({ kind: 'ban', address: '203.0.113.9', endsAtMs: until, counts: { denials: 10, withinMs: 60_000 } });
  w.monitor.raise({ kind: 'ban', address: '203.0.113.9', endsAtMs: until + 1000 });
  w.monitor.raise({ kind: 'ban', subject: web, endsAtMs: until });
  t.like(w.alerts(), [
    { level: 40, alert: 'ban', address: '203.0.113.9', subject: '', counts: { denials: 10, withinMs: 60_000 }, endsAt: new Date(until).toISOString() },
    { alert: 'ban', subject: web, address: '' },
  ]);
  t.is(w.alerts().length, 2, 'a ban of the same address while it is active is the same alert');
  t.regex(String(w.alerts()[0]!['msg']), /203\.0\.113\.9 banned until/);
  w.clock.ms = until;
  w.monitor.raise({ kind: 'ban', address: '203.0.113.9', endsAtMs: until + 60_000 });
  t.is(w.alerts().length, 3, 'banned again after the ban ended: a new alert');
  t.deepEqual(w.counted, ['ban', 'ban', 'ban']);
});

test('a ban from the automatic bans becomes its alert: by address or by subject, until the ban ends', (t) => {
  const w = watch({});
  const untilMs = w.clock.ms + 300_000;
  w.monitor.raise(banAlert({ by: 'source_ip', key: '203.0.113.9', untilMs, denials: 10, withinMs: 60_000 }));
  w.monitor.raise(banAlert({ by: 'subject', key: web, untilMs, denials: 12, withinMs: 60_000 }));
  t.like(w.alerts(), [
    { alert: 'ban', address: '203.0.113.9', subject: '', counts: { denials: 10, withinMs: 60_000 }, endsAt: new Date(untilMs).toISOString() },
    { alert: 'ban', subject: web, address: '', counts: { denials: 12 } },
  ]);
  t.is(w.alerts()[0]!['msg'], `ban: address 203.0.113.9 banned until ${new Date(untilMs).toISOString()} after 10 denials within 60s`);
});

test('reconfigure: learned edges and the learning clock are kept; new thresholds apply at once', (t) => {
  const w = watch({ newEdge: { learnFor: '10m' }, denyBurst: { count: 10, within: '60s' } });
  w.monitor.observe(event(w.clock, { service: 'payments' }));
  w.clock.ms += 5 * 60_000;
  w.monitor.reconfigure(parseAlertsConfig({ newEdge: { learnFor: '10m' }, denyBurst: { count: 2, within: '60s' } }));
  w.clock.ms += 5 * 60_000;
  w.monitor.observe(event(w.clock, { service: 'payments' }));
  t.deepEqual(w.alerts(), [], 'the edge learned before the reload is still known');
  w.monitor.observe(event(w.clock, { service: 'ledger' }));
  t.like(w.alerts(), [{ alert: 'new_edge', service: 'ledger' }], 'learning ended 10 min after the start, not after the reload');
  w.monitor.observe(event(w.clock, { service: 'payments', deniedBy: 'policy' }));
  w.monitor.observe(event(w.clock, { service: 'payments', deniedBy: 'policy' }));
  t.like(w.alerts()[1], { alert: 'deny_burst', counts: { denials: 2 } }, 'the new count applies');
});

test('reconfigure: a detector left out stops; a webhook left out stops delivery', async (t) => {
  const w = watch({ denyBurst: { count: 1, within: '60s' }, webhook: 'http://127.0.0.1:9' }, { delivery: { batchDelayMs: 10_000 } });
  w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
  t.is(w.monitor.deliveryStats.queued, 1);
  w.monitor.reconfigure(parseAlertsConfig({ identitySpread: {} }));
  t.is(w.monitor.deliveryStats.queued, 0);
  w.clock.ms += 3_600_000;
  w.monitor.observe(event(w.clock, { deniedBy: 'policy' }));
  t.is(w.alerts().length, 1);
  await w.monitor.close(0);
});

/** Steady traffic from one subject, `perSecond` for `seconds`. */
function steady(w: ReturnType<typeof watch>, seconds: number, perSecond: number): void {
  const end = w.clock.ms + seconds * 1000;
  for (let at = w.clock.ms; at < end; at += 1000 / perSecond) {
    w.clock.ms = Math.floor(at);
    w.monitor.observe(event(w.clock));
  }
  w.clock.ms = end;
}

test('reconfigure: rate baselines survive a reload that keeps the window and baseline, not one that changes them', (t) => {
  const spike = { minPerSecond: 10, window: '10s', baseline: '5m' };
  const kept = watch({ rateSpike: { ...spike, factor: 20 } });
  steady(kept, 300, 2);
  kept.monitor.reconfigure(parseAlertsConfig({ rateSpike: { ...spike, factor: 4 } }));
  steady(kept, 10, 12);
  t.like(kept.alerts(), [{ alert: 'rate_spike', subject: web }], 'the baseline learned before the reload judged the spike');

  const changed = watch({ rateSpike: { ...spike, factor: 20 } });
  steady(changed, 300, 2);
  changed.monitor.reconfigure(parseAlertsConfig({ rateSpike: { ...spike, factor: 4, window: '5s' } }));
  steady(changed, 10, 12);
  t.deepEqual(changed.alerts(), [], 'a new window starts baselines afresh');
});
