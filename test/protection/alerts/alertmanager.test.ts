/** Alerts reaching a real Alertmanager (Debian's `prometheus-alertmanager`), started for the test. */
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { banAlert } from '../../../src/protection/alerts/alert.js';
import { ALERTMANAGER_BINARY, listed, startAlertmanager, type GettableAlert } from '../../helpers/alertmanager.js';
import { ensureDebianPackage } from '../../helpers/debian-package.js';
import { event, watch } from './helpers.js';

const withAlertmanager = (await ensureDebianPackage(console, 'prometheus-alertmanager', ALERTMANAGER_BINARY)) ? test.serial : test.skip;

withAlertmanager('a new edge and a ban reach a real Alertmanager, with their labels, active until their end', async (t) => {
  const url = await startAlertmanager(t);
  const subject = 'spiffe://example.org/ns/shop/sa/web';
  // The fake clock starts on the real one: Alertmanager judges startsAt and endsAt by its own clock.
  const w = watch({ webhook: url, newEdge: { learnFor: '1m' }, resolveAfter: '10m' }, { delivery: { batchDelayMs: 20 } }, Date.now() - 120_000);
  t.teardown(() => w.monitor.close(0));
  w.monitor.observe(event(w.clock, { subject, service: 'payments' }));
  w.clock.ms = Date.now();
  w.monitor.observe(event(w.clock, { subject, service: 'payments' }));
  w.monitor.observe(event(w.clock, { subject, service: 'ledger', address: '10.0.0.7' }));
  const banEnds = Date.now() + 5 * 60_000;
  w.monitor.raise(banAlert({ by: 'source_ip', key: '203.0.113.9', untilMs: banEnds, denials: 10, withinMs: 60_000 }));

  const deadline = Date.now() + 15_000;
  let edges: GettableAlert[] = [];
  let bans: GettableAlert[] = [];
  while ((edges.length === 0 || bans.length === 0) && Date.now() < deadline) {
    await sleep(100);
    [edges, bans] = await Promise.all([listed(url, 'WardenNewEdge'), listed(url, 'WardenBan')]);
  }
  t.is(edges.length, 1, 'only the edge not learned');
  t.deepEqual(edges[0]!.labels, { alertname: 'WardenNewEdge', subject, service: 'ledger' });
  t.regex(edges[0]!.annotations['summary']!, /new edge: .* → ledger/);
  t.is(edges[0]!.status.state, 'active');
  t.is(Date.parse(edges[0]!.endsAt), w.clock.ms + 10 * 60_000);
  t.is(bans.length, 1);
  t.deepEqual(bans[0]!.labels, { alertname: 'WardenBan', address: '203.0.113.9' });
  t.regex(bans[0]!.annotations['summary']!, /^ban: address 203\.0\.113\.9 banned until /);
  t.is(Date.parse(bans[0]!.endsAt), banEnds);
  t.is(w.monitor.deliveryStats.failures, 0);
});

withAlertmanager('an alert resolved before its end is shown resolved by Alertmanager, and raised again the next time', async (t) => {
  const url = await startAlertmanager(t);
  const w = watch({ webhook: url, resolveAfter: '10m' }, { delivery: { batchDelayMs: 20 } }, Date.now());
  t.teardown(() => w.monitor.close(0));
  const outage = { kind: 'shared_state_unavailable', summary: 'shared state in Redis unavailable' } as const;
  const activeCount = async () => (await listed(url, 'WardenSharedStateUnavailable')).filter((a) => a.status.state === 'active').length;
  const within = async (what: string, done: () => Promise<boolean>) => {
    const deadline = Date.now() + 15_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within 15 s`);
      await sleep(100);
    }
  };
  w.monitor.raise(outage);
  await within('active', async () => (await activeCount()) === 1);
  w.clock.ms = Date.now();
  w.monitor.resolve(outage);
  await within('resolved', async () => (await activeCount()) === 0);
  w.clock.ms = Date.now();
  w.monitor.raise(outage);
  await within('active again', async () => (await activeCount()) === 1);
  t.is(w.monitor.deliveryStats.failures, 0);
});
