import test from 'ava';
import { pino } from 'pino';
import { WardenMetrics } from '../../src/audit/index.js';
import { Countermeasures } from '../../src/protection/countermeasures.js';
import { parseProtectionConfig } from '../../src/protection/protection-config.js';
import type { ProtectedCall } from '../../src/protection/protected-call.js';

const call: ProtectedCall = { subject: 'spiffe://example.org/ns/shop/sa/web', requester: 'spiffe://example.org/ns/mesh/sa/envoy', address: '198.51.100.7', service: 'payments', action: 'charge' };

function setUp(raw: Parameters<typeof parseProtectionConfig>[0]) {
  const clock = { ms: 1_800_000_000_000 };
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const metrics = new WardenMetrics();
  const measures = new Countermeasures(parseProtectionConfig(raw), { logger, metrics: metrics.protection, now: () => clock.ms });
  return { clock, lines, metrics, measures };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

test('a ban is logged, raised as an alert, counted, and shown as in force', async (t) => {
  const { lines, metrics, measures } = setUp({ autoBan: [{ by: 'source_ip', after: 2, within: '60s', banFor: '5m' }], alerts: {} });
  t.teardown(() => measures.close(0));
  measures.protection.observe(call, false, 'policy');
  measures.protection.observe(call, false, 'policy');
  await settle();
  t.truthy(lines.find((l) => l.msg === 'banned after too many denied calls'));
  t.like(lines.find((l) => l.alert === 'ban'), { alert: 'ban', address: '198.51.100.7' });
  const text = await metrics.registry.metrics();
  t.regex(text, /^warden_alerts_total\{kind="ban"\} 1$/m);
  t.regex(text, /^warden_bans_active\{by="source_ip"\} 1$/m);
});

test('checks reach the activity watchers; without an alerts section none are raised; a reload turns them on', async (t) => {
  const { clock, lines, measures } = setUp({});
  t.teardown(() => measures.close(0));
  for (let i = 0; i < 3; i++) measures.protection.observe(call, false, 'policy');
  await settle();
  t.is(lines.filter((l) => l.alert !== undefined).length, 0);
  measures.reconfigure(parseProtectionConfig({ alerts: { denyBurst: { count: 3, within: '60s' } } }));
  clock.ms += 1;
  for (let i = 0; i < 3; i++) measures.protection.observe(call, false, 'policy');
  await settle();
  t.like(lines.find((l) => l.alert !== undefined), { alert: 'deny_burst', subject: call.subject });
});

test('keys the store forgets to stay bounded are counted', async (t) => {
  const clock = { ms: 0 };
  const metrics = new WardenMetrics();
  const { MemoryStore } = await import('../../src/protection/memory-store.js');
  const measures = new Countermeasures(parseProtectionConfig({ rateLimits: [{ name: 'ip', by: 'source_ip', perSecond: 1, burst: 1 }] }), { logger: pino({ level: 'silent' }), metrics: metrics.protection, store: new MemoryStore({ maxEntries: 10 }), now: () => clock.ms });
  t.teardown(() => measures.close(0));
  for (let i = 0; i < 25; i++) measures.protection.admit({ ...call, address: `10.0.0.${i}` });
  t.regex(await metrics.registry.metrics(), /^warden_protection_evictions_total 15$/m);
});

test('rate limits and denied addresses are counted by the metrics', async (t) => {
  const { metrics, measures } = setUp({ ipDeny: ['203.0.113.0/24'], rateLimits: [{ name: 'one', by: 'subject', perSecond: 1, burst: 1 }] });
  t.teardown(() => measures.close(0));
  measures.protection.admit({ ...call, address: '203.0.113.4' });
  measures.protection.admit(call);
  measures.protection.admit(call);
  const text = await metrics.registry.metrics();
  t.regex(text, /^warden_denied_address_total 1$/m);
  t.regex(text, /^warden_rate_limited_total\{limit="one"\} 1$/m);
});
