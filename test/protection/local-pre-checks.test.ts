import test, { type ExecutionContext } from 'ava';
import { LocalPreChecks, type LocalPreCheckOptions } from '../../src/protection/local-pre-checks.js';
import { RedisStore } from '../../src/protection/redis-store.js';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { REDIS_BINARY, startRedis } from '../helpers/redis-server.js';

const withRedis = (await ensureDebianPackage(console, 'redis-server', REDIS_BINARY)) ? test : test.skip;

interface Fleet {
  replicas: LocalPreChecks[];
  /** A plain client on the same Redis, to read what the scripts left there. */
  raw: RedisStore;
  /** Scripts Redis has run so far (EVALSHA and EVAL calls). */
  scriptCalls(): Promise<number>;
}

async function fleet(t: ExecutionContext, count: number, options: LocalPreCheckOptions = {}): Promise<Fleet> {
  const redis = await startRedis(t);
  const stores = Array.from({ length: count }, () => new RedisStore({ url: redis.url }));
  const raw = new RedisStore({ url: redis.url });
  t.teardown(() => Promise.all([...stores, raw].map((s) => s.close())).then(() => undefined));
  await Promise.all([...stores, raw].map((s) => s.connect()));
  const scriptCalls = async () => {
    const stats = await raw.redis.info('commandstats');
    const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    return calls('evalsha') + calls('eval');
  };
  return { replicas: stores.map((s) => new LocalPreChecks(s, options)), raw, scriptCalls };
}

/** Tokens the shared bucket has given out so far, read from Redis itself. */
async function tokensTaken(raw: RedisStore, key: string, burst: number): Promise<number> {
  const left = await raw.redis.hget(key, 't');
  if (left === null) throw new Error(`no bucket ${key} in Redis`);
  return burst - Number(left);
}

withRedis('near its limit a shared bucket is taken one token at a time: two replicas allow exactly the burst', async (t) => {
  const { replicas } = await fleet(t, 2);
  const rate = { perSecond: 0.001, burst: 30 };
  const results = [];
  for (let i = 0; i < 60; i++) results.push(await replicas[i % 2]!.take('rl:exact', 1, rate, Date.now()));
  t.is(results.filter((r) => r.ok).length, 30);
  t.false((await replicas[0]!.take('rl:exact', 1, rate, Date.now())).ok);
});

withRedis('far from its limit, most takes are answered from a leased share without a round trip', async (t) => {
  const { replicas, raw, scriptCalls } = await fleet(t, 1);
  const rate = { perSecond: 0, burst: 1_000_000 };
  const before = await scriptCalls();
  let allowed = 0;
  for (let i = 0; i < 5000; i++) {
    const taken = replicas[0]!.take('rl:plenty', 1, rate, Date.now());
    if (!(taken instanceof Promise)) allowed += taken.ok ? 1 : 0;
    else allowed += (await taken).ok ? 1 : 0;
  }
  const calls = (await scriptCalls()) - before;
  t.is(allowed, 5000);
  t.true(calls <= 50, `${calls} scripts run for 5000 takes`);
  // Every allowed take was a token taken from the shared bucket first: never looser than the limit.
  t.true((await tokensTaken(raw, 'rl:plenty', rate.burst)) >= allowed);
});

withRedis('ten replicas leasing from one bucket together never allow more than it holds', async (t) => {
  const { replicas, raw } = await fleet(t, 10);
  const rate = { perSecond: 0, burst: 2000 };
  const takes = Array.from({ length: 4000 }, (_, i) => replicas[i % 10]!.take('rl:many', 1, rate, Date.now()));
  const results = await Promise.all(takes);
  const allowed = results.filter((r) => r.ok).length;
  t.true(allowed <= rate.burst, `${allowed} allowed of a burst of ${rate.burst}`);
  // Leases hold at most a hundredth of what is left each: little is stranded in them.
  t.true(allowed >= rate.burst * 0.9, `${allowed} allowed of a burst of ${rate.burst}`);
  t.true((await tokensTaken(raw, 'rl:many', rate.burst)) >= allowed);
});

withRedis('an expired lease is renewed: its tokens serve meanwhile far from the limit, and are replaced by the answer', async (t) => {
  let now = Date.now();
  const { replicas, raw, scriptCalls } = await fleet(t, 1, { leaseMs: 1000, now: () => now });
  const replica = replicas[0]!;
  const rate = { perSecond: 0, burst: 1_000_000 };
  await replica.take('rl:lease', 1, rate, now);
  await replica.take('rl:lease', 1, rate, now);
  const leased = await scriptCalls();
  t.false(replica.take('rl:lease', 1, rate, now) instanceof Promise, 'served from the lease');
  const takenBefore = await tokensTaken(raw, 'rl:lease', rate.burst);
  now += 1500;
  t.false(replica.take('rl:lease', 1, rate, now) instanceof Promise, 'an expired lease still serves while it is renewed');
  while ((await scriptCalls()) === leased) await new Promise((resolve) => setTimeout(resolve, 10));
  const takenAfter = await tokensTaken(raw, 'rl:lease', rate.burst);
  t.true(takenAfter > takenBefore, `the renewal took a new share (${takenBefore} then ${takenAfter})`);
});

withRedis('with fewer than 100 tokens left nothing is leased: every take is a round trip', async (t) => {
  const { replicas } = await fleet(t, 1);
  const rate = { perSecond: 0, burst: 50 };
  const results = [];
  for (let i = 0; i < 51; i++) {
    const taken = replicas[0]!.take('rl:near', 1, rate, Date.now());
    t.true(taken instanceof Promise, `take ${i + 1} asked the shared bucket`);
    results.push(await taken);
  }
  t.is(results.filter((r) => r.ok).length, 50);
  t.false(results[50]!.ok);
});

withRedis('"not banned" is remembered for a quarter of a second, so a ban made on another replica holds here within 1 s', async (t) => {
  let now = Date.now();
  const { replicas } = await fleet(t, 2, { now: () => now });
  const [a, b] = replicas;
  t.is(await b!.marked('ban:subject:x', now), undefined);
  t.is(b!.marked('ban:subject:x', now), undefined, 'remembered: answered without a round trip');
  t.is(await a!.marked('ban:subject:x', now), undefined);
  const until = Date.now() + 60_000;
  await a!.mark('ban:subject:x', until);
  t.is(await a!.marked('ban:subject:x', now), until, 'the replica that bans forgets its "not banned" at once');
  now += 200;
  t.is(b!.marked('ban:subject:x', now), undefined, 'still remembered 200 ms later');
  now += 100;
  t.is(await b!.marked('ban:subject:x', now), until, 'asked again after 250 ms: the ban holds');
});
