import test, { type ExecutionContext } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStore } from '../../src/protection/redis-store.js';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { REDIS_BINARY, startRedis } from '../helpers/redis-server.js';

const withRedis = (await ensureDebianPackage(console, 'redis-server', REDIS_BINARY)) ? test : test.skip;

async function replicas(t: ExecutionContext, count: number, keyPrefix?: string): Promise<RedisStore[]> {
  const redis = await startRedis(t);
  const stores = Array.from({ length: count }, () => new RedisStore({ url: redis.url, ...(keyPrefix ? { keyPrefix } : {}) }));
  t.teardown(() => Promise.all(stores.map((s) => s.close())).then(() => undefined));
  await Promise.all(stores.map((s) => s.connect()));
  return stores;
}

withRedis('two replicas on one Redis together enforce one limit', async (t) => {
  const [a, b] = await replicas(t, 2);
  const rate = { perSecond: 0.001, burst: 10 };
  const taken = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a! : b!).take('rl:shared', 1, rate, Date.now())));
  t.is(taken.filter((r) => r.ok).length, 10, 'the burst of one bucket, not one per replica');
  t.true((await a!.take('rl:shared', 1, rate, Date.now())).ok === false);
  t.true((await b!.take('rl:shared', 1, rate, Date.now())).ok === false);
});

withRedis('windows and distinct members add up across replicas', async (t) => {
  const [a, b] = await replicas(t, 2);
  await a!.count('denials:x', 2, 60_000, Date.now());
  t.is(await b!.count('denials:x', 1, 60_000, Date.now()), 3);
  await a!.distinct('spread:x', '10.0.0.1', 60_000, Date.now());
  t.is(await b!.distinct('spread:x', '10.0.0.2', 60_000, Date.now()), 2);
});

withRedis('a ban marked by one replica is seen by the other within 1 s', async (t) => {
  const [a, b] = await replicas(t, 2);
  const until = Date.now() + 60_000;
  const markedAt = Date.now();
  await a!.mark('ban:source_ip:203.0.113.9', until);
  let seen: number | undefined;
  while (seen === undefined && Date.now() - markedAt < 1000) seen = await b!.marked('ban:source_ip:203.0.113.9', Date.now());
  t.is(seen, until);
});

withRedis('every key is prefixed and expires: Redis never grows without bound', async (t) => {
  const [store] = await replicas(t, 1, 'fleet-a:');
  await store!.take('rl:a', 1, { perSecond: 10, burst: 5 }, Date.now());
  await store!.take('rl:never', 1, { perSecond: 0, burst: 5 }, Date.now());
  await store!.count('w', 1, 60_000, Date.now());
  await store!.distinct('d', 'm', 60_000, Date.now());
  await store!.mark('ban', Date.now() + 60_000);
  // A client without the prefix sees the raw keys.
  const raw = new RedisStore({ url: `redis://127.0.0.1:${store!.redis.options.port}`, keyPrefix: '' });
  t.teardown(() => raw.close());
  await raw.connect();
  const keys = (await raw.redis.keys('*')).sort();
  t.deepEqual(keys, ['fleet-a:ban', 'fleet-a:d', 'fleet-a:rl:a', 'fleet-a:rl:never', 'fleet-a:w']);
  for (const key of keys) {
    const ttl = await raw.redis.pttl(key);
    t.true(ttl > 0 && ttl <= 86_400_000, `${key} expires (pttl ${ttl})`);
  }
});
