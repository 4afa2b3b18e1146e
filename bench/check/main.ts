// Check throughput and latency: Warden with cache hits and with misses against a grpc-js echo
// server that answers the same request with a response of the same size, over the same mTLS, in
// one run; printed as ratios. Each server and the load driver run in their own process.
// Usage: npm run bench:check [-- --seconds 5 --channels 4 --in-flight 16]
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevCa, issueDevCertificate } from '../../src/devca/dev-ca.js';
import { AUTHORIZER_SERVICE, authorizerClient } from './client.js';
import { checkRequest, type DriverJob, type DriverResult, type ServerMessage, type TlsPaths } from './protocol.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    channels: { type: 'string', default: '4' },
    'in-flight': { type: 'string', default: '16' },
    driver: { type: 'string' },
  },
});
const PYTHON = '/usr/bin/python3';
const hasGrpcio = spawnSync(PYTHON, ['-c', 'import grpc'], { stdio: 'ignore' }).status === 0;
const driverKind = values.driver ?? (hasGrpcio ? 'python' : 'node');
if (driverKind === 'python' && !hasGrpcio) throw new Error('--driver python needs Debian\'s python3-grpcio (apt-get install python3-grpcio)');
const here = (file: string) => new URL(file, import.meta.url).pathname;
const execArgv = ['--import', 'tsx'];

const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
const ca = ensureDevCa(join(dir, 'ca'));
const client = issueDevCertificate(ca.dir, 'spiffe://warden.local/ns/shop/sa/frontend');
writeFileSync(join(dir, 'client.pem'), client.cert);
writeFileSync(join(dir, 'client-key.pem'), client.key);
const tls: TlsPaths = { ca: ca.ca, serverCert: ca.serverCert, serverKey: ca.serverKey, clientCert: join(dir, 'client.pem'), clientKey: join(dir, 'client-key.pem') };

function startServer(file: string, arg: unknown): Promise<{ child: ChildProcess; address: string; fromDist?: boolean }> {
  // BENCH_CPU_PROF=DIR writes a CPU profile of each server process there (on exit).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(here(file), [JSON.stringify(arg)], { execArgv: [...execArgv, ...profile] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: ServerMessage) => (m.type === 'ready' ? resolve({ child, address: m.address, fromDist: m.fromDist }) : reject(new Error('unexpected message'))));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

function cpuOf(child: ChildProcess): Promise<NodeJS.CpuUsage> {
  return new Promise((resolve) => {
    const onMessage = (m: ServerMessage) => {
      if (m.type !== 'cpu') return;
      child.off('message', onMessage);
      resolve(m.usage);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

interface Measured extends DriverResult {
  label: string;
  serverCpuShare: number;
}

/** Serialised CheckRequests for the Python driver: one for hits, a distinct one per call for misses. */
function requestsFile(mode: DriverJob['mode']): string {
  const file = join(dir, `requests-${mode}.txt`);
  const serialize = (AUTHORIZER_SERVICE.Check as unknown as { requestSerialize(v: unknown): Buffer }).requestSerialize;
  const count = mode === 'hit' ? 1 : 200_000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(serialize(checkRequest(mode === 'hit' ? '/orders/42' : `/orders/${i}`)).toString('base64'));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs the driver; calls `onMeasuring` when its measured window opens. */
function runDriver(job: DriverJob, onMeasuring: () => void): Promise<DriverResult> {
  if (driverKind === 'python') {
    const child = spawn(PYTHON, [here('./driver.py'), JSON.stringify({ ...job, requestsFile: requestsFile(job.mode) })], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => (line === 'measuring' ? onMeasuring() : resolve(JSON.parse(line) as DriverResult)));
      child.once('exit', (code) => code !== 0 && reject(new Error(`driver exited with ${code}`)));
    });
  }
  const driver = fork(here('./driver.ts'), [JSON.stringify(job)], { execArgv });
  return new Promise<DriverResult>((resolve, reject) => {
    driver.on('message', (m: 'measuring' | DriverResult) => (m === 'measuring' ? onMeasuring() : resolve(m)));
    driver.once('exit', (code) => code !== 0 && reject(new Error(`driver exited with ${code}`)));
  });
}

async function measure(label: string, server: ChildProcess, address: string, mode: DriverJob['mode']): Promise<Measured> {
  const job: DriverJob = { address, tls, mode, channels: Number(values.channels), inFlightPerChannel: Number(values['in-flight']), warmupMs: 2000, measureMs: Number(values.seconds) * 1000 };
  let before: Promise<NodeJS.CpuUsage> | undefined;
  const result = await runDriver(job, () => (before = cpuOf(server)));
  const after = await cpuOf(server);
  const start = await before!;
  const serverCpuSeconds = (after.user + after.system - start.user - start.system) / 1e6;
  return { ...result, label, serverCpuShare: serverCpuSeconds / result.seconds };
}

const warden = await startServer('./warden-server.ts', { tls, decisionLog: join(dir, 'decisions.log') });
const probe = authorizerClient(warden.address, tls);
const sample = await new Promise<Record<string, unknown>>((resolve, reject) => probe.check(checkRequest('/orders/42'), (e, r) => (e ? reject(e) : resolve(r!))));
probe.close();
if (sample.allowed !== true) throw new Error(`the bench request should be allowed: ${JSON.stringify(sample)}`);
const echo = await startServer('./echo-server.ts', { tls, response: { ...sample, cached: true } });

const runs: Measured[] = [];
runs.push(await measure('echo (grpc-js, canned response)', echo.child, echo.address, 'hit'));
runs.push(await measure('warden Check, cache hit', warden.child, warden.address, 'hit'));
runs.push(await measure('warden Check, cache miss', warden.child, warden.address, 'miss'));
echo.child.kill('SIGINT');
warden.child.kill('SIGINT');

const rate = (r: Measured) => r.calls / r.seconds;
console.log(`driver: ${driverKind === 'python' ? "grpcio's C core (Debian python3-grpcio, asyncio)" : 'grpc-js'} over mTLS, ${values.channels} connections × ${values['in-flight']} calls in flight, ${values.seconds} s measured after 2 s warm-up; servers and driver in separate processes`);
console.log(`warden: ${warden.fromDist ? 'from dist/ (as deployed)' : 'from src/ through tsx (run `npm run build` first to measure the deployed code)'}; decision log written to a file for every decision (as \`--decision-log FILE\`)\n`);
console.log('scenario                           calls/s     p50 µs    p99 µs   server CPU  driver CPU  cached  errors');
for (const r of runs) {
  const driverCpu = (r.cpu.user + r.cpu.system) / 1e6 / r.seconds;
  console.log(
    `${r.label.padEnd(34)} ${rate(r).toFixed(0).padStart(8)} ${r.p50.toFixed(0).padStart(10)} ${r.p99.toFixed(0).padStart(9)} ${`${(r.serverCpuShare * 100).toFixed(0)}%`.padStart(12)} ${`${(driverCpu * 100).toFixed(0)}%`.padStart(11)} ${`${(r.cachedShare * 100).toFixed(0)}%`.padStart(7)} ${String(r.errors).padStart(7)}${r.firstError ? ` (${r.firstError})` : ''}`,
  );
}
const [echoRun, hit, miss] = runs as [Measured, Measured, Measured];
console.log(`\ncache hit  / echo: ${((rate(hit) / rate(echoRun)) * 100).toFixed(1)}% of the echo server's throughput (target ≥ 85%)`);
console.log(`cache miss / echo: ${((rate(miss) / rate(echoRun)) * 100).toFixed(1)}% of the echo server's throughput (target ≥ 70%)`);
