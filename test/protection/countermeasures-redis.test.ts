import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { WardenMetrics } from '../../src/audit/index.js';
import { Countermeasures } from '../../src/protection/countermeasures.js';
import { parseProtectionConfig } from '../../src/protection/protection-config.js';
import type { ProtectedCall } from '../../src/protection/protected-call.js';
import { parseRedisConfig } from '../../src/protection/redis-config.js';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { REDIS_BINARY, startRedis, type RedisUnderTest } from '../helpers/redis-server.js';

const withRedis = (await ensureDebianPackage(console, 'redis-server', REDIS_BINARY)) ? test.serial : test.skip;

const call: ProtectedCall = { subject: 'spiffe://example.org/ns/shop/sa/web', requester: 'spiffe://example.org/ns/mesh/sa/envoy', address: '198.51.100.7', service: 'payments', action: 'charge' };

const CONFIG = {
  rateLimits: [{ name: 'per-subject', by: 'subject', perSecond: 0.001, burst: 4 }],
  autoBan: [{ by: 'source_ip', after: 3, within: '60s', banFor: '5m' }],
};

function replica(t: ExecutionContext, redis: Pick<RedisUnderTest, 'url'>, budgetMs = 50, password?: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const metrics = new WardenMetrics();
  // A budget above the default 5 ms: these tests prove sharing, and a loaded CI machine must not turn them into fallbacks.
  const measures = new Countermeasures(parseProtectionConfig(CONFIG as Parameters<typeof parseProtectionConfig>[0]), { logger, metrics: metrics.protection, redis: { ...parseRedisConfig(redis.url)!, budgetMs, ...(password ? { password } : {}) } });
  t.teardown(() => measures.close(0));
  return { lines, metrics, measures };
}

async function until(what: string, done: () => boolean | Promise<boolean>, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await sleep(20);
  }
}

const metric = async (metrics: WardenMetrics, pattern: RegExp): Promise<number | undefined> => {
  const found = pattern.exec(await metrics.registry.metrics());
  return found ? Number(found[1]) : undefined;
};

withRedis('two replicas share one rate limit and one ban list', async (t) => {
  const redis = await startRedis(t);
  const a = replica(t, redis);
  const b = replica(t, redis);
  await until('connected', () => a.measures.sharedStateUp === true && b.measures.sharedStateUp === true);
  let admitted = 0;
  for (let i = 0; i < 10; i++) if ((await (i % 2 === 0 ? a : b).measures.protection.admit(call)) === undefined) admitted++;
  t.is(admitted, 4, 'the burst of one bucket across both');

  const other = { ...call, subject: 'spiffe://example.org/ns/shop/sa/other', address: '203.0.113.9' };
  for (let i = 0; i < 3; i++) a.measures.protection.observe(other, false, 'policy');
  await until('banned on a', async () => (await a.measures.protection.admit(other))?.kind === 'ban');
  const bannedAt = Date.now();
  await until('banned on b', async () => (await b.measures.protection.admit(other))?.kind === 'ban', 1000);
  t.true(Date.now() - bannedAt <= 1000);
  t.is(await metric(b.metrics, /^warden_shared_state_up (\d+)$/m), 1);
});

withRedis('Redis killed: decisions go on from local state, counted, one alert; Redis back: shared again', async (t) => {
  const redis = await startRedis(t);
  const a = replica(t, redis, 5);
  await until('connected', () => a.measures.sharedStateUp === true);
  await redis.kill();
  const started = Date.now();
  for (let i = 0; i < 50; i++) await a.measures.protection.admit({ ...call, subject: `spiffe://example.org/ns/shop/sa/s${i}` });
  t.true(Date.now() - started < 3000, `50 checks took ${Date.now() - started} ms`);
  t.false(a.measures.sharedStateUp);
  await sleep(50);
  t.true((await metric(a.metrics, /^warden_shared_state_fallbacks_total (\d+)$/m))! >= 50);
  t.is(await metric(a.metrics, /^warden_shared_state_up (\d+)$/m), 0);
  t.is(await metric(a.metrics, /^warden_alerts_total\{kind="shared_state_unavailable"\} (\d+)$/m), 1, 'one alert');
  t.is(a.lines.filter((l) => l.alert === 'shared_state_unavailable').length, 1);
  t.is(a.lines.filter((l) => l.level === 50 && typeof l.reason === 'string').length, 1, 'the change logged once');

  await redis.restart();
  await until('back', () => a.measures.sharedStateUp === true);
  t.truthy(a.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('shared state in Redis answers again')));
  t.is(await metric(a.metrics, /^warden_shared_state_up (\d+)$/m), 1);
  t.is(await metric(a.metrics, /^warden_alerts_total\{kind="shared_state_unavailable"\} (\d+)$/m), 1, 'still one');
  t.truthy(a.lines.find((l) => l.alert === 'shared_state_unavailable' && l.resolved === true), 'the alert ends when Redis is back');
});

withRedis('a password: connects with it, and never logs it; a wrong one is a fallback with a reason', async (t) => {
  const redis = await startRedis(t, ['--requirepass', 's3cret-pw']);
  const good = replica(t, redis, 50, 's3cret-pw');
  await until('connected', () => good.measures.sharedStateUp === true);
  t.is(await good.measures.protection.admit(call), undefined);
  const bad = replica(t, redis, 50, 'wrong-pw');
  await until('refused', () => bad.lines.some((l) => l.level === 50));
  t.is(await bad.measures.protection.admit(call), undefined, 'still answers, from local state');
  const logged = JSON.stringify([...good.lines, ...bad.lines]);
  t.false(logged.includes('s3cret-pw'));
  t.false(logged.includes('wrong-pw'));
  t.truthy(bad.lines.find((l) => typeof l.reason === 'string' && /WRONGPASS|NOAUTH|invalid/i.test(l.reason)), JSON.stringify(bad.lines));
});

withRedis('Redis unreachable from the start: checks answer from local state, and close() does not hang', async (t) => {
  const redis = await startRedis(t);
  await redis.kill();
  const a = replica(t, { url: redis.url });
  await until('down', () => a.measures.sharedStateUp === false);
  t.is(await a.measures.protection.admit(call), undefined);
  const closing = Date.now();
  await a.measures.close(1000);
  t.true(Date.now() - closing < 5000, `close took ${Date.now() - closing} ms`);
});

test('without Redis, warden_shared_state_up is absent', async (t) => {
  const metrics = new WardenMetrics();
  const measures = new Countermeasures(parseProtectionConfig({}), { logger: pino({ level: 'silent' }), metrics: metrics.protection });
  t.teardown(() => measures.close(0));
  const text = await metrics.registry.metrics();
  t.notRegex(text, /^warden_shared_state_up /m);
  t.regex(text, /^warden_shared_state_fallbacks_total 0$/m);
});
