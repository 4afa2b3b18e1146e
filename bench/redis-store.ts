// What one rate-limit step costs the deciding process: takes per second and CPU per take, from the
// in-memory store, the Redis store (with and without ioredis auto-pipelining) and the fallback store
// over Redis as `redis:` wires it. 64 takes in flight, one never-tripping bucket per 8 callers,
// against a redis-server (Debian's package) started on a free loopback port.
// Usage: npm run bench:redis-store [-- --seconds 2]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { FallbackStore } from '../src/protection/fallback-store.js';
import { MemoryStore } from '../src/protection/memory-store.js';
import { RedisStore } from '../src/protection/redis-store.js';
import type { MaybePromise, TakeResult } from '../src/protection/store.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const measureMs = Number(values.seconds) * 1000;
if (!existsSync('/usr/bin/redis-server')) throw new Error("needs Debian's redis-server (apt-get install redis-server)");

const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address() as AddressInfo;
    probe.close(() => resolve(free));
  });
});
const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
for (let ready = false; !ready; await sleep(50)) {
  ready = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.end(() => resolve(true))).once('error', () => resolve(false));
  });
}
const url = `redis://127.0.0.1:${port}`;
const rate = { perSecond: 1e9, burst: 1e9 };

async function measure(label: string, take: (key: string) => MaybePromise<TakeResult>): Promise<void> {
  // One unmeasured second first, so that the code is optimised and the scripts are loaded.
  for (const ms of [1000, measureMs]) {
    let done = 0;
    const end = Date.now() + ms;
    const before = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 64 }, async (_, worker) => {
        while (Date.now() < end) {
          await take(`rl:bench:s${worker % 8}`);
          done++;
        }
      }),
    );
    const cpu = process.cpuUsage(before);
    if (ms === measureMs) console.log(`${label.padEnd(44)} ${(done / (ms / 1000)).toFixed(0).padStart(9)} takes/s ${((cpu.user + cpu.system) / done).toFixed(1).padStart(7)} µs CPU/take`);
  }
}

console.log(`64 takes in flight, ${values.seconds} s each; CPU is this process's (redis-server's own is apart)`);
const memory = new MemoryStore();
await measure('memory store', (key) => memory.take(key, 1, rate, Date.now()));
for (const autoPipelining of [false, true]) {
  const store = new RedisStore({ url, autoPipelining });
  await store.connect();
  await measure(`Redis store, auto-pipelining ${autoPipelining ? 'on' : 'off'}`, (key) => store.take(key, 1, rate, Date.now()));
  await store.close();
}
// The budget is wide here: what is measured is the cost of the race, not fallbacks on a busy machine.
let fallbacks = 0;
const shared = new FallbackStore(new RedisStore({ url }), new MemoryStore(), { budgetMs: 1000, onFallback: () => fallbacks++ });
while (!shared.up) await sleep(10);
await measure('fallback store over Redis (as redis: wires it)', (key) => shared.take(key, 1, rate, Date.now()));
console.log(`fallbacks during the fallback-store run: ${fallbacks}`);
await shared.close();
redis.kill('SIGTERM');
