import test from 'ava';
import { randomUUID } from 'node:crypto';
import { MemoryStore } from '../../src/protection/memory-store.js';
import { RedisStore } from '../../src/protection/redis-store.js';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { REDIS_BINARY, startRedis, type RedisUnderTest } from '../helpers/redis-server.js';
import { storeContract } from './store-contract.js';

storeContract(test, 'memory', async () => ({ store: new MemoryStore() }));

const haveRedis = await ensureDebianPackage(console, 'redis-server', REDIS_BINARY);
let redis: Promise<RedisUnderTest> | undefined;
const teardowns: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const done of teardowns) await done();
});

storeContract(haveRedis ? test : (test.skip as typeof test), 'redis', async () => {
  redis ??= startRedis({ teardown: (fn: () => Promise<void>) => teardowns.push(fn) });
  // Each test its own prefix: one Redis, no test sees another's keys.
  const store = new RedisStore({ url: (await redis).url, keyPrefix: `test:${randomUUID()}:` });
  await store.connect();
  return { store, done: () => store.close() };
});
