// The load: several mTLS connections, a fixed number of calls in flight on each, a warm-up, then
// a measured window in which every call's latency is recorded.
import { performance } from 'node:perf_hooks';
import { authorizerClient } from './client.js';
import { checkRequest, missRequest, type DriverJob, type DriverResult } from './protocol.js';

const job = JSON.parse(process.argv[2]!) as DriverJob;
const clients = Array.from({ length: job.channels }, () => authorizerClient(job.address, job.tls));
const hitRequest = checkRequest('/orders/42');
let sequence = 0;
let measuring = false;
let stopped = false;
const latencies: number[] = [];
let errors = 0;
let cached = 0;
let firstError: string | undefined;

function loop(check: (typeof clients)[number]['check']): void {
  if (stopped) return;
  const request = job.mode === 'hit' ? hitRequest : missRequest(`${process.pid}-${sequence++}`);
  const started = performance.now();
  check(request, (error, response) => {
    if (measuring) {
      if (error) {
        errors++;
        firstError ??= error.message;
      } else {
        latencies.push((performance.now() - started) * 1000);
        if (response?.cached) cached++;
      }
    }
    loop(check);
  });
}

for (const c of clients) for (let i = 0; i < job.inFlightPerChannel; i++) loop(c.check);
await new Promise((r) => setTimeout(r, job.warmupMs));
measuring = true;
const cpuBefore = process.cpuUsage();
const t0 = performance.now();
process.send!('measuring');
await new Promise((r) => setTimeout(r, job.measureMs));
measuring = false;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpuBefore);
stopped = true;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
const result: DriverResult = { calls: latencies.length, errors, firstError, seconds, p50: at(0.5), p99: at(0.99), cpu, cachedShare: latencies.length ? cached / latencies.length : 0 };
process.send!(result, () => {
  for (const c of clients) c.close();
  process.exit(0);
});
