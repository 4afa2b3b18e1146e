// Check throughput and latency: Warden with cache hits and with misses against a grpc-js echo
// server that answers the same request with a response of the same size, over the same mTLS, in
// one run; printed as ratios. Each server and the load driver run in their own process.
// Scenarios alternate over several rounds (on a shared VM the machine's speed drifts within a run),
// and each ratio is taken within a round; the medians are reported.
// The load comes from gRPC's C++ core when Debian's libgrpc++-dev is installed (driver.cc, built on
// first use: one thread, about half the CPU per call of driver.py, which matters when driver and
// servers share two cores), else from Python's grpcio (driver.py, python3-grpcio), else from
// grpc-js (driver.ts); `--driver cpp|python|node` chooses.
// BENCH_RATE_LIMIT=1 configures one rate limit that never trips (the cost of the countermeasures);
// BENCH_INLINE=0 sends every miss to the evaluation workers, BENCH_CHECK_WORKER=0 evaluates every
// miss on the serving thread (see warden-server.ts).
// `--redis` compares instead three Wardens on cache hits: no limit, one never-tripping limit in
// memory, and the same limit shared in Redis (a redis-server from Debian's package, started on a
// free port): the cost of shared state per check.
// Usage: npm run bench:check [-- --seconds 3 --rounds 5 --warmup 1 --channels 4 --in-flight 16 --driver cpp|python|node --redis]
import { cpuOf, type Usage } from './server-cpu.js';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchTls } from '../dev-tls.js';
import { AUTHORIZER_SERVICE, authorizerClient } from './client.js';
import { freePort } from '../../scripts/fleet/processes.js';
import { REDIS_SERVER, startRedis } from '../../scripts/fleet/redis-server.js';
import { refuseStaleDist } from './stale-dist.js';
import { checkRequest, missRequest, type DriverJob, type DriverResult, type ServerMessage, type TlsPaths } from './protocol.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    channels: { type: 'string', default: '4' },
    'in-flight': { type: 'string', default: '16' },
    driver: { type: 'string' },
    redis: { type: 'boolean' },
  },
});
refuseStaleDist(new URL('../../', import.meta.url).pathname);
const PYTHON = '/usr/bin/python3';
const here = (file: string) => new URL(file, import.meta.url).pathname;
const hasGrpcCpp = spawnSync('pkg-config', ['--exists', 'grpc++'], { stdio: 'ignore' }).status === 0;
const hasGrpcio = spawnSync(PYTHON, ['-c', 'import grpc'], { stdio: 'ignore' }).status === 0;
const driverKind = values.driver ?? (hasGrpcCpp ? 'cpp' : hasGrpcio ? 'python' : 'node');
if (driverKind === 'cpp' && !hasGrpcCpp) throw new Error("--driver cpp needs Debian's libgrpc++-dev and g++ (apt-get install libgrpc++-dev g++)");
if (driverKind === 'python' && !hasGrpcio) throw new Error("--driver python needs Debian's python3-grpcio (apt-get install python3-grpcio)");
const cppDriver = driverKind === 'cpp' ? buildCppDriver() : '';

/** Compiles driver.cc once per version of its source (into the system's temporary folder). */
function buildCppDriver(): string {
  const source = here('./driver.cc');
  const binary = join(tmpdir(), `warden-check-driver-${createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'grpc++'], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
  const built = spawnSync('g++', ['-O2', '-std=c++17', source, ...flags, '-o', `${binary}.tmp`], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('cannot build bench/check/driver.cc');
  renameSync(`${binary}.tmp`, binary);
  return binary;
}
const execArgv = ['--import', 'tsx'];

const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
const tls: TlsPaths = benchTls(dir);

function startServer(file: string, arg: unknown): Promise<{ child: ChildProcess; address: string; fromDist?: boolean }> {
  // BENCH_CPU_PROF=DIR writes a CPU profile of each server process there (on exit).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // BENCH_SERVER_FLAGS="--trace-gc …" passes Node flags to both servers.
  profile.push(...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []));
  const child = fork(here(file), [JSON.stringify(arg)], { execArgv: [...execArgv, ...profile] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: ServerMessage) => (m.type === 'ready' ? resolve({ child, address: m.address, fromDist: m.fromDist }) : reject(new Error('unexpected message'))));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}


interface Measured extends DriverResult {
  label: string;
  serverCpuShare: number;
  /** Share of the time the server's main thread was busy. */
  mainThreadBusy: number;
}

/** Serialised CheckRequests for the C++ and Python drivers: one for hits, a distinct one per call for misses (new in every round). */
function requestsFile(mode: DriverJob['mode'], round: number): string {
  const file = join(dir, `requests-${mode}-${round}.txt`);
  const serialize = (AUTHORIZER_SERVICE.Check as unknown as { requestSerialize(v: unknown): Buffer }).requestSerialize;
  const count = mode === 'hit' ? 1 : 100_000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(serialize(mode === 'hit' ? checkRequest('/orders/42') : missRequest(`${round}-${i}`)).toString('base64'));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs the driver; calls `onMeasuring` when its measured window opens. */
function runDriver(job: DriverJob, round: number, onMeasuring: () => void): Promise<DriverResult> {
  if (driverKind === 'python' || driverKind === 'cpp') {
    const file = requestsFile(job.mode, round);
    const { address, tls: t, channels, inFlightPerChannel, warmupMs, measureMs } = job;
    const child =
      driverKind === 'cpp'
        ? spawn(cppDriver, [address, t.ca, t.clientCert, t.clientKey, file, ...[channels, inFlightPerChannel, warmupMs, measureMs].map(String)], { stdio: ['ignore', 'pipe', 'inherit'] })
        : spawn(PYTHON, [here('./driver.py'), JSON.stringify({ ...job, requestsFile: file })], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => (line === 'measuring' ? onMeasuring() : resolve(JSON.parse(line) as DriverResult)));
      child.once('exit', (code) => code !== 0 && reject(new Error(`driver exited with ${code}`)));
    });
  }
  const driver = fork(here('./driver.ts'), [JSON.stringify({ ...job, round })], { execArgv });
  return new Promise<DriverResult>((resolve, reject) => {
    driver.on('message', (m: 'measuring' | DriverResult) => (m === 'measuring' ? onMeasuring() : resolve(m)));
    driver.once('exit', (code) => code !== 0 && reject(new Error(`driver exited with ${code}`)));
  });
}

async function measure(label: string, server: ChildProcess, address: string, mode: DriverJob['mode'], round: number): Promise<Measured> {
  const job: DriverJob = { address, tls, mode, channels: Number(values.channels), inFlightPerChannel: Number(values['in-flight']), warmupMs: Number(values.warmup) * 1000, measureMs: Number(values.seconds) * 1000 };
  let before: Promise<Usage> | undefined;
  const result = await runDriver(job, round, () => (before = cpuOf(server)));
  const after = await cpuOf(server);
  const start = await before!;
  const serverCpuSeconds = (after.usage.user + after.usage.system - start.usage.user - start.usage.system) / 1e6;
  const active = after.elu.active - start.elu.active;
  const idle = after.elu.idle - start.elu.idle;
  return { ...result, label, serverCpuShare: serverCpuSeconds / result.seconds, mainThreadBusy: active / (active + idle) };
}

if (values.redis) {
  await compareLimits();
  process.exit(0);
}

async function compareLimits(): Promise<void> {
  if (!existsSync(REDIS_SERVER)) throw new Error("--redis needs Debian's redis-server (apt-get install redis-server)");
  const redis = await startRedis(await freePort());
  const kinds = ['none', 'memory', 'redis'] as const;
  const labels = { none: 'warden hit, no limit', memory: 'warden hit, memory limit', redis: 'warden hit, Redis limit' };
  const servers = [];
  for (const limit of kinds) servers.push(await startServer('./warden-server.ts', { tls, decisionLog: join(dir, `decisions-${limit}.log`), limit, redis: redis.url }));
  const rounds = Number(values.rounds);
  const runs: Measured[][] = kinds.map(() => []);
  for (let i = 0; i < kinds.length; i++) await measure(labels[kinds[i]!], servers[i]!.child, servers[i]!.address, 'hit', rounds);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < kinds.length; i++) runs[i]!.push(await measure(labels[kinds[i]!], servers[i]!.child, servers[i]!.address, 'hit', round));
  }
  for (const server of servers) server.child.kill('SIGINT');
  await redis.stop();
  const perSecond = (r: Measured) => r.calls / r.seconds;
  console.log(`driver: ${driverKind}, ${values.channels} connections × ${values['in-flight']} in flight, ${values.seconds} s × ${rounds} rounds, the three in turn; limit: one by subject, 1e9/s (never trips)`);
  console.log('scenario                       round   calls/s   p50 µs   p99 µs  server CPU  CPU µs/call  errors');
  for (let round = 0; round < rounds; round++) {
    for (const series of runs) {
      const r = series[round]!;
      console.log(`${r.label.padEnd(31)} ${String(round + 1).padStart(4)} ${perSecond(r).toFixed(0).padStart(9)} ${r.p50.toFixed(0).padStart(8)} ${r.p99.toFixed(0).padStart(8)} ${`${(r.serverCpuShare * 100).toFixed(0)}%`.padStart(11)} ${((r.serverCpuShare / perSecond(r)) * 1e6).toFixed(0).padStart(12)} ${String(r.errors).padStart(7)}`);
    }
  }
  const ratio = (series: Measured[]) => {
    const xs = series.map((r, round) => perSecond(r) / perSecond(runs[0]![round]!)).sort((a, b) => a - b);
    return { median: xs[xs.length >> 1]!, all: xs.map((x) => `${(x * 100).toFixed(1)}%`).join(', ') };
  };
  const memory = ratio(runs[1]!);
  const shared = ratio(runs[2]!);
  console.log(`\nmemory limit / no limit: ${(memory.median * 100).toFixed(1)}% (rounds, sorted: ${memory.all})`);
  console.log(`Redis limit  / no limit: ${(shared.median * 100).toFixed(1)}% (rounds, sorted: ${shared.all}; target ≥ 75%)`);
}

const warden = await startServer('./warden-server.ts', { tls, decisionLog: join(dir, 'decisions.log') });
const probe = authorizerClient(warden.address, tls);
const sample = await new Promise<Record<string, unknown>>((resolve, reject) => probe.check(checkRequest('/orders/42'), (e, r) => (e ? reject(e) : resolve(r!))));
probe.close();
if (sample.allowed !== true) throw new Error(`the bench request should be allowed: ${JSON.stringify(sample)}`);
const echo = await startServer('./echo-server.ts', { tls, response: { ...sample, cached: true } });

const rounds = Number(values.rounds);
const labels = ['echo (grpc-js, canned response)', 'warden Check, cache hit', 'warden Check, cache miss'] as const;
const runs: Measured[][] = [[], [], []];
// One unmeasured pass of each scenario first, so that both servers' code is optimised before round 1.
await measure(labels[0], echo.child, echo.address, 'hit', rounds);
await measure(labels[1], warden.child, warden.address, 'hit', rounds);
await measure(labels[2], warden.child, warden.address, 'miss', rounds);
for (let round = 0; round < rounds; round++) {
  runs[0]!.push(await measure(labels[0], echo.child, echo.address, 'hit', round));
  runs[1]!.push(await measure(labels[1], warden.child, warden.address, 'hit', round));
  runs[2]!.push(await measure(labels[2], warden.child, warden.address, 'miss', round));
}
echo.child.kill('SIGINT');
warden.child.kill('SIGINT');

const rate = (r: Measured) => r.calls / r.seconds;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const driverName = { cpp: "gRPC's C++ core (Debian libgrpc++-dev, one thread, generic stub)", python: "grpcio's C core (Debian python3-grpcio, asyncio)", node: 'grpc-js' }[driverKind];
console.log(`driver: ${driverName ?? driverKind} over mTLS, ${values.channels} connections × ${values['in-flight']} calls in flight, ${values.seconds} s measured after ${values.warmup} s warm-up, ${rounds} rounds of the three scenarios in turn after one unmeasured pass; servers and driver in separate processes`);
console.log(`warden: ${warden.fromDist ? 'from dist/ (as deployed)' : 'from src/ through tsx (run `npm run build` first to measure the deployed code)'}; decision log written to a file for every decision (as \`--decision-log FILE\`)`);
console.log("echo: grpc-js with Warden's server options (no channelz, the same receive limit) and the V8 setting of `warden serve`\n");
console.log('scenario                       round   calls/s   p50 µs   p99 µs  server CPU  main thread  CPU µs/call  driver CPU  cached  errors');
for (let round = 0; round < rounds; round++) {
  for (const series of runs) {
    const r = series[round]!;
    const driverCpu = (r.cpu.user + r.cpu.system) / 1e6 / r.seconds;
    console.log(
      `${r.label.padEnd(31)} ${String(round + 1).padStart(4)} ${rate(r).toFixed(0).padStart(9)} ${r.p50.toFixed(0).padStart(8)} ${r.p99.toFixed(0).padStart(8)} ${pct(r.serverCpuShare).padStart(11)} ${pct(r.mainThreadBusy).padStart(12)} ${((r.serverCpuShare / rate(r)) * 1e6).toFixed(0).padStart(12)} ${pct(driverCpu).padStart(11)} ${pct(r.cachedShare).padStart(7)} ${String(r.errors).padStart(7)}${r.firstError ? ` (${r.firstError})` : ''}`,
    );
  }
}
const ratios = (series: Measured[]) => series.map((r, round) => rate(r) / rate(runs[0]![round]!));
const hitRatios = ratios(runs[1]!);
const missRatios = ratios(runs[2]!);
const list = (xs: number[]) => xs.map((x) => `${(x * 100).toFixed(1)}%`).join(', ');
// CPU per call holds far steadier than throughput on a shared machine (the driver competes for the same cores).
const cpuPerCall = (r: Measured) => r.serverCpuShare / rate(r);
const cpuRatios = (series: Measured[]) => series.map((r, round) => cpuPerCall(r) / cpuPerCall(runs[0]![round]!));
const micros = (series: Measured[]) => median(series.map((r) => cpuPerCall(r) * 1e6)).toFixed(0);
const times = (xs: number[]) => xs.map((x) => `${x.toFixed(2)}×`).join(', ');
const hitCpu = cpuRatios(runs[1]!);
const missCpu = cpuRatios(runs[2]!);
console.log(`\ncache hit  / echo: ${(median(hitRatios) * 100).toFixed(1)}% of the echo server's throughput, median of rounds (${list(hitRatios)}; target ≥ 85%)`);
console.log(`cache miss / echo: ${(median(missRatios) * 100).toFixed(1)}% of the echo server's throughput, median of rounds (${list(missRatios)}; target ≥ 70%)`);
console.log(`server CPU µs/call, medians: echo ${micros(runs[0]!)}, hit ${micros(runs[1]!)}, miss ${micros(runs[2]!)}`);
console.log(`cache hit  CPU/call ÷ echo's: ${median(hitCpu).toFixed(2)}×, median of rounds (${times(hitCpu)}; target ≤ 1.10×)`);
console.log(`cache miss CPU/call ÷ echo's: ${median(missCpu).toFixed(2)}×, median of rounds (${times(missCpu)}; target ≤ 1.30×)`);
const p50Above = (series: Measured[]) => series.map((r, round) => r.p50 - runs[0]![round]!.p50);
const signed = (xs: number[]) => xs.map((x) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`).join(', ');
const serial = Number(values.channels) === 1 && Number(values['in-flight']) === 1;
console.log(`p50 above echo's, µs: hit ${signed([median(p50Above(runs[1]!))])}, miss ${signed([median(p50Above(runs[2]!))])}, medians of rounds (miss: ${signed(p50Above(runs[2]!))}${serial ? '; target for a serial miss ≤ +50' : ''})`);
