// Start-up and reload of a large data file under steady load, as `warden serve` does them: the data
// is read, hashed and loaded by the evaluation threads, a new generation of them beside the one
// serving, then swapped in at once. Prints when the port opened and when health turned SERVING
// (probed every 25 ms from the spawn), then, with 4 connections sending Checks one after another
// (each a cache miss), the waits before, during and after a reload of the data file, and the
// server's RSS.
// Usage: npm run bench:reload [-- --entries 3000000 --seconds 3]
import { fork } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { benchTls } from '../dev-tls.js';
import { freePort } from '../../scripts/fleet/processes.js';
import { authorizerClient } from '../check/client.js';
import type { TlsPaths } from '../check/protocol.js';
import { userRoles } from '../data-scale/datasets.js';
import { refuseStaleDist } from '../check/stale-dist.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '3000000' }, seconds: { type: 'string', default: '3' } } });
refuseStaleDist(new URL('../../', import.meta.url).pathname);
const entries = Number(values.entries);
const seconds = Number(values.seconds);

const dir = mkdtempSync(join(tmpdir(), 'warden-reload-'));
const tls: TlsPaths = benchTls(dir);
const policies = join(dir, 'policies');
cpSync('policies', policies, { recursive: true });
mkdirSync(join(policies, 'big'));
const dataFile = join(policies, 'big', 'data.json');
const data = userRoles(entries);
writeFileSync(dataFile, data.json);
const mb = data.json.byteLength / 1e6;

const port = await freePort();
const address = `127.0.0.1:${port}`;
const spawnedAt = performance.now();
const server = fork(new URL('./serve.ts', import.meta.url).pathname, [JSON.stringify({ listen: address, tls, policies, decisionLog: join(dir, 'decisions.log') })], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });

let fromDist: boolean | undefined;
server.once('message', (m: { fromDist: boolean }) => (fromDist = m.fromDist));
const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
const health = new Health(address, grpc.credentials.createSsl(readFileSync(tls.ca), readFileSync(tls.clientKey), readFileSync(tls.clientCert)), {
  'grpc.ssl_target_name_override': 'localhost',
  'grpc.default_authority': 'localhost',
  // The port opens a second or two after the spawn: grpc-js's default reconnect backoff (1 s, growing) would be measured instead.
  'grpc.initial_reconnect_backoff_ms': 20,
  'grpc.max_reconnect_backoff_ms': 50,
}) as unknown as { Check(r: unknown, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v?: { status: string }) => void): void };
const status = (): Promise<string | undefined> => new Promise((resolve) => health.Check({ service: '' }, { deadline: Date.now() + 1_000 }, (e, v) => resolve(e ? undefined : String(v?.status))));

let portOpenAt: number | undefined;
for (;;) {
  const s = await status();
  if (s !== undefined) portOpenAt ??= performance.now();
  if (s === 'SERVING' || s === '1') break;
  if (performance.now() - spawnedAt > 600_000) throw new Error('the server did not serve within 10 minutes');
  await new Promise((resolve) => setTimeout(resolve, 25));
}
const servingAt = performance.now();
const secondsFrom = (at: number) => ((at - spawnedAt) / 1000).toFixed(1);
console.log(`data: ${entries.toLocaleString('en-US')} entries, ${mb.toFixed(1)} MB JSON; server from ${fromDist ? 'dist/' : 'src/ (through tsx: npm run build for dist/)'}`);
console.log(`start-up: port open (health NOT_SERVING) after ${secondsFrom(portOpenAt!)} s, SERVING after ${secondsFrom(servingAt)} s`);

const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;
const peak = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;
console.log(`RSS after start-up: ${rss().toFixed(0)} MB (peak ${peak().toFixed(0)} MB)`);

// Made now: building and writing 77 MB in this process while it measures would stall its own clients.
const changed = Buffer.from(Buffer.from(data.json).toString('latin1').replaceAll('"role', '"rolx'), 'latin1');
// The spare loads once the workers serve: the steady state starts after it.
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));

interface Answer {
  at: number;
  ms: number;
  revision: string;
  ok: boolean;
}
const answers: Answer[] = [];
let running = true;
const clients = Array.from({ length: 4 }, () => authorizerClient(address, tls));
const streams = clients.map(async (c, stream) => {
  for (let i = 0; running; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) =>
      c.check({ action: 'read', resource: { service: 'orders', path: `/${stream}/${i}` } }, (e, r) => {
        answers.push({ at: t0, ms: performance.now() - t0, revision: String(r?.policy_revision ?? ''), ok: !e });
        resolve();
      }),
    );
  }
});
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const first = answers.at(-1)!.revision;
const reloadAt = performance.now();
// The same entries with every role changed: new bytes, a new revision.
await writeFile(dataFile, changed);
let swappedAt: number | undefined;
while (swappedAt === undefined && performance.now() - reloadAt < 600_000) {
  await new Promise((resolve) => setTimeout(resolve, 10));
  const seen = answers.find((a) => a.at > reloadAt && a.revision !== first);
  if (seen) swappedAt = seen.at;
}
const peakDuring = peak();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
running = false;
await Promise.all(streams);
for (const c of clients) c.close();

function summary(label: string, xs: Answer[]): void {
  const ms = xs.map((a) => a.ms).sort((a, b) => a - b);
  const at = (q: number) => (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN).toFixed(1);
  console.log(`${label.padEnd(28)} ${String(xs.length).padStart(7)} checks  failed ${xs.filter((a) => !a.ok).length}  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${(ms.at(-1) ?? NaN).toFixed(1)} ms`);
}
console.log(`reload: the new revision answered ${swappedAt === undefined ? 'never (10 min)' : `${((swappedAt - reloadAt) / 1000).toFixed(1)} s`} after the file was written`);
summary('before the reload', answers.filter((a) => a.at < reloadAt));
summary('during the reload', answers.filter((a) => a.at >= reloadAt && a.at < (swappedAt ?? Infinity)));
summary('after the swap', answers.filter((a) => a.at >= (swappedAt ?? Infinity)));
if (process.env.BENCH_RELOAD_SECONDS_AFTER) {
  // Second by second after the swap: when the spare loads, and the old threads stop.
  for (let s = 0; s < seconds; s++) summary(`  second ${s + 1}`, answers.filter((a) => a.at >= (swappedAt ?? Infinity) + s * 1000 && a.at < (swappedAt ?? Infinity) + (s + 1) * 1000));
}
console.log(`RSS after the reload: ${rss().toFixed(0)} MB (peak during it ${peakDuring.toFixed(0)} MB)`);
server.kill('SIGINT');
