// In-process authorization (src/embed): how many `authorize` calls a second one thread answers,
// from the cache and evaluating every time; and what wardenInterceptor costs a grpc-js unary echo
// server (cached decisions), against the same server without it. The two servers run in their own
// processes, the load comes from grpcio's C core (bench/check/driver.py, Debian python3-grpcio) in
// a third, and the two servers are measured in alternating order over several rounds (on a shared
// 2-core VM the machine's speed drifts within a run); each ratio is taken within a round.
// Usage: npm run bench:inprocess [-- --seconds 3 --rounds 5 --channels 4 --in-flight 16]
import { cpuOf, type Usage } from './check/server-cpu.js';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ensureDevCa, issueDevCertificate } from '../src/devca/dev-ca.js';
import { createAuthorizer, type AuthorizeResult } from '../src/index.js';
import type { DriverResult, ServerMessage, TlsPaths } from './check/protocol.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    channels: { type: 'string', default: '4' },
    'in-flight': { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const here = (file: string) => new URL(file, import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const ECHO_METHOD = '/bench.Echo/Echo';
const CALLER = 'spiffe://warden.local/ns/shop/sa/frontend';

// The bundled policy, with a grant for the echo service added to its data.
const dir = mkdtempSync(join(tmpdir(), 'warden-bench-inprocess-'));
const policies = join(dir, 'policies');
mkdirSync(join(policies, 'warden', 'authz'), { recursive: true });
mkdirSync(join(policies, 'warden', 'config'), { recursive: true });
copyFileSync(here('../policies/warden/authz/decision.rego'), join(policies, 'warden', 'authz', 'decision.rego'));
writeFileSync(
  join(policies, 'warden', 'config', 'data.json'),
  JSON.stringify({
    trust_domain: 'warden.local',
    issuers: {},
    proxies: [],
    grants: [
      { service: 'orders', caller: { namespace: 'shop', service_account: 'frontend' }, actions: ['orders.read'] },
      { service: 'bench.Echo', caller: { namespace: 'shop', service_account: 'frontend' }, actions: [ECHO_METHOD] },
    ],
  }),
);

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// ── 1. authorize() on this thread ───────────────────────────────────────────────────────────────
const authorizer = await createAuthorizer({ policies, watch: false, logger: pino({ level: 'warn' }) });
const subject = { authenticated_by: 'mtls' as const, id: CALLER, namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' };
const inputFor = (path: string) => ({ action: 'orders.read', context: {}, requester: subject, resource: { attributes: {}, path, service: 'orders' }, source: { ip: '10.0.0.7' }, subject });

/** Calls a second for `seconds`, and how many answers were cached and allowed (to check the run measured what it says). */
let distinct = 0;
function authorizeRate(cached: boolean): { perSecond: number; cachedShare: number; allowedShare: number } {
  const hit = inputFor('/orders/42');
  let calls = 0;
  let fromCache = 0;
  let allowed = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  let now = started;
  while (now < end) {
    for (let i = 0; i < 256; i++) {
      const result = authorizer.authorize(cached ? hit : inputFor(`/orders/${distinct++}`)) as AuthorizeResult;
      calls++;
      if (result.cached) fromCache++;
      if (result.allowed) allowed++;
    }
    now = performance.now();
  }
  return { perSecond: calls / ((now - started) / 1000), cachedShare: fromCache / calls, allowedShare: allowed / calls };
}

authorizeRate(true);
authorizeRate(false);
const hitRates: number[] = [];
const missRates: number[] = [];
console.log(`authorize() on this thread, bundled policy, ${seconds} s a run, ${rounds} rounds (cached, then evaluating every call: a new resource.path each time)`);
for (let round = 0; round < rounds; round++) {
  const hit = authorizeRate(true);
  const miss = authorizeRate(false);
  hitRates.push(hit.perSecond);
  missRates.push(miss.perSecond);
  console.log(`  round ${round + 1}: cached ${hit.perSecond.toFixed(0)}/s (${(hit.cachedShare * 100).toFixed(0)}% cached, ${(hit.allowedShare * 100).toFixed(0)}% allowed)   uncached ${miss.perSecond.toFixed(0)}/s (${(miss.cachedShare * 100).toFixed(0)}% cached, ${(miss.allowedShare * 100).toFixed(0)}% allowed)`);
}
console.log(`authorize(), cached:   ${median(hitRates).toFixed(0)}/s median (${(1e6 / median(hitRates)).toFixed(2)} µs a call)`);
console.log(`authorize(), uncached: ${median(missRates).toFixed(0)}/s median (${(1e6 / median(missRates)).toFixed(2)} µs a call)\n`);
await authorizer.close();

// ── 2. wardenInterceptor on a grpc-js echo server ──────────────────────────────────────────────
if (spawnSync(PYTHON, ['-c', 'import grpc'], { stdio: 'ignore' }).status !== 0) {
  console.log("interceptor overhead: skipped — needs Debian's python3-grpcio (apt-get install python3-grpcio): a grpc-js client saturates before the server does");
  process.exit(0);
}
const ca = ensureDevCa(join(dir, 'ca'));
const client = issueDevCertificate(ca.dir, CALLER);
writeFileSync(join(dir, 'client.pem'), client.cert);
writeFileSync(join(dir, 'client-key.pem'), client.key);
const tls: TlsPaths = { ca: ca.ca, serverCert: ca.serverCert, serverKey: ca.serverKey, clientCert: join(dir, 'client.pem'), clientKey: join(dir, 'client-key.pem') };
const requests = join(dir, 'requests.txt');
writeFileSync(requests, `${Buffer.alloc(64, 'x').toString('base64')}\n`);

function startEcho(intercept: boolean): Promise<{ child: ChildProcess; address: string }> {
  // BENCH_CPU_PROF=DIR writes a CPU profile of each server process there (on exit).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(here('./inprocess/echo-server.ts'), [JSON.stringify({ tls, policies, intercept })], { execArgv: ['--import', 'tsx', ...profile] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: ServerMessage) => (m.type === 'ready' ? resolve({ child, address: m.address }) : reject(new Error('unexpected message'))));
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
}


interface Measured {
  perSecond: number;
  cpuUsPerCall: number;
  p50: number;
  errors: number;
  firstError?: string;
}

async function measure(server: { child: ChildProcess; address: string }): Promise<Measured> {
  const job = { address: server.address, tls, method: ECHO_METHOD, requestsFile: requests, channels: Number(values.channels), inFlightPerChannel: Number(values['in-flight']), warmupMs: 1000, measureMs: seconds * 1000 };
  const driver = spawn(PYTHON, [here('./check/driver.py'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let before: Promise<Usage> | undefined;
  const result = await new Promise<DriverResult>((resolve, reject) => {
    createInterface({ input: driver.stdout }).on('line', (line) => (line === 'measuring' ? (before = cpuOf(server.child)) : resolve(JSON.parse(line) as DriverResult)));
    driver.once('exit', (code) => code !== 0 && reject(new Error(`driver exited with ${code}`)));
  });
  const after = await cpuOf(server.child);
  const start = await before!;
  const cpuSeconds = (after.usage.user + after.usage.system - start.usage.user - start.usage.system) / 1e6;
  const perSecond = result.calls / result.seconds;
  return { perSecond, cpuUsPerCall: (cpuSeconds / result.seconds / perSecond) * 1e6, p50: result.p50, errors: result.errors, firstError: result.firstError };
}

const plain = await startEcho(false);
const guarded = await startEcho(true);
// One unmeasured pass of each first, so that both servers' code is optimised before round 1.
await measure(plain);
await measure(guarded);
console.log(`echo server (grpc-js unary, 64-byte payload) without and with wardenInterceptor (in-process Authorizer, cached decisions): load from grpcio's C core over mTLS, ${values.channels} connections × ${values['in-flight']} in flight, ${seconds} s measured, ${rounds} rounds in alternating order`);
const ratios: number[] = [];
const cpuRatios: number[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [plain, guarded] : [guarded, plain];
  const [first, second] = [await measure(order[0]!), await measure(order[1]!)];
  const [without, withIt] = round % 2 === 0 ? [first, second] : [second, first];
  ratios.push(withIt.perSecond / without.perSecond);
  cpuRatios.push(withIt.cpuUsPerCall / without.cpuUsPerCall);
  const line = (m: Measured) => `${m.perSecond.toFixed(0).padStart(6)}/s p50 ${m.p50.toFixed(0).padStart(5)} µs, server CPU ${m.cpuUsPerCall.toFixed(0).padStart(3)} µs/call${m.errors ? `, ${m.errors} errors (${m.firstError})` : ''}`;
  console.log(`  round ${round + 1}: without ${line(without)}   with ${line(withIt)}   → ${(ratios.at(-1)! * 100).toFixed(1)}% throughput`);
}
plain.child.kill('SIGINT');
guarded.child.kill('SIGINT');
const list = (xs: number[]) => xs.map((x) => `${(x * 100).toFixed(1)}%`).join(', ');
console.log(`with the interceptor: ${(median(ratios) * 100).toFixed(1)}% of the echo server's throughput, median of rounds (${list(ratios)}; target ≥ 85%)`);
console.log(`server CPU per call with the interceptor: ${(median(cpuRatios) * 100).toFixed(1)}% of without, median (${list(cpuRatios)})`);
