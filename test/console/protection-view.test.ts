import test from 'ava';
import { pino } from 'pino';
import { WardenMetrics } from '../../src/audit/index.js';
import { protectionView } from '../../src/console/protection-view.js';
import { Countermeasures } from '../../src/protection/countermeasures.js';
import { parseProtectionConfig } from '../../src/protection/protection-config.js';
import type { ProtectedCall } from '../../src/protection/protected-call.js';

const call: ProtectedCall = { subject: 'spiffe://example.org/ns/shop/sa/web', requester: 'spiffe://example.org/ns/mesh/sa/envoy', address: '198.51.100.7', service: 'payments', action: 'charge' };
const settle = () => new Promise((r) => setTimeout(r, 5));

function setUp(raw: Parameters<typeof parseProtectionConfig>[0]) {
  const clock = { ms: Date.now() };
  const metrics = new WardenMetrics();
  const measures = new Countermeasures(parseProtectionConfig(raw), { logger: pino({ level: 'silent' }), metrics: metrics.protection, now: () => clock.ms });
  return { clock, metrics, measures };
}

test('the protection page lists the bans in force, newest first, and forgets them when they end', async (t) => {
  const { clock, metrics, measures } = setUp({ autoBan: [{ by: 'source_ip', after: 2, within: '60s', banFor: '5m' }] });
  t.teardown(() => measures.close(0));
  for (const address of ['198.51.100.7', '203.0.113.9']) {
    measures.protection.observe({ ...call, address }, false, 'policy');
    measures.protection.observe({ ...call, address }, false, 'policy');
    await settle();
    clock.ms += 1000;
  }
  const view = await protectionView(measures, metrics.registry, []);
  t.deepEqual(view.bans.map((b) => [b.by, b.key]), [['source_ip', '203.0.113.9'], ['source_ip', '198.51.100.7']]);
  t.is(view.bans[1]!.until, new Date(clock.ms - 2000 + 5 * 60_000).toISOString());
  clock.ms += 5 * 60_000;
  t.deepEqual((await protectionView(measures, metrics.registry, [])).bans, []);
});

test('the protection page lists the latest alerts with what they are about, with or without Alertmanager', async (t) => {
  for (const raw of [{ alerts: {} }, {}]) {
    const { metrics, measures } = setUp(raw);
    t.teardown(() => measures.close(0));
    measures.raise({ kind: 'new_edge', subject: 'spiffe://example.org/ns/shop/sa/<img src=x>', service: 'ledger' });
    await settle();
    const [alert] = (await protectionView(measures, metrics.registry, [])).alerts;
    t.like(alert, { kind: 'new_edge', about: { subject: 'spiffe://example.org/ns/shop/sa/<img src=x>', service: 'ledger' } });
    t.regex(alert!.summary, /ledger/);
  }
});
