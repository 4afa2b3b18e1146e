// Warden as `warden serve` runs it: V8 set up as it sets it up, the bundled policies/, mTLS,
// decision log to a file, no metrics endpoint (the metrics are still recorded). From dist/ when it
// is built (as deployed: tsx wraps every closure the serving path creates in a naming helper, which
// costs per call), else from src/.
import './serving-heap-first.js';
import { compile, fromDist, startServer } from '../server-modules.js';
import type { ServerMessage, TlsPaths } from './protocol.js';

function poolSize(text: string): { workers: number; spares?: number } {
  const [workers, spares] = text.split(',').map(Number);
  return { workers: workers!, ...(spares !== undefined ? { spares } : {}) };
}

const { tls, decisionLog, limit, redis } = JSON.parse(process.argv[2]!) as { tls: TlsPaths; decisionLog: string; limit?: 'none' | 'memory' | 'redis'; redis?: string };
// BENCH_RATE_LIMIT=1 (or `limit` from `bench:check -- --redis`) adds one rate limit by subject that never trips: what a limit costs per check.
const limited = limit === undefined ? process.env.BENCH_RATE_LIMIT === '1' : limit !== 'none';
const server = await startServer({
  listen: '127.0.0.1:0',
  tls: { cert: tls.serverCert, key: tls.serverKey, clientCa: tls.ca },
  policies: 'policies',
  decisionLog,
  metrics: false,
  watch: false,
  // BENCH_CHECK_WORKER=0 measures cache misses decided on the serving thread (`checkWorker: false`).
  checkWorker: process.env.BENCH_CHECK_WORKER !== '0',
  // BENCH_EVALUATION_WORKERS=N[,SPARES] sizes the evaluation pool (default: Warden's own defaults);
  // BENCH_INLINE=0 sends every miss to the pool (`evaluation.inline: false`).
  evaluation: { ...(process.env.BENCH_EVALUATION_WORKERS ? poolSize(process.env.BENCH_EVALUATION_WORKERS) : {}), ...(process.env.BENCH_INLINE === '0' ? { inline: false } : {}) },
  compiler: (modules, entrypoints) => compile({ modules, entrypoints }),
  ...(limited ? { rateLimits: [{ name: 'bench', by: 'subject', perSecond: 1e9, burst: 1e9 }] } : {}),
  // BENCH_REDIS_BUDGET_MS=N: the Redis budget (default 5 ms, as deployed); a wide one measures Redis itself on a saturated loop, where 5 ms turns most steps into fallbacks.
  ...(limit === 'redis' ? { redis: process.env.BENCH_REDIS_BUDGET_MS ? { url: redis!, budgetMs: Number(process.env.BENCH_REDIS_BUDGET_MS) } : redis } : {}),
});
process.send!({ type: 'ready', address: server.address, fromDist } satisfies ServerMessage);
process.on('message', (m: string) => {
  if (m === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage(), elu: performance.eventLoopUtilization() } satisfies ServerMessage);
});
process.on('SIGINT', () => {
  // How many limit checks were answered from local state instead of Redis: a ratio over fallbacks would measure no Redis at all.
  if (limit === 'redis') {
    void server.metrics.registry.metrics().then((text) => {
      process.stderr.write(`Redis limit server: ${/^warden_shared_state_fallbacks_total (\d+)$/m.exec(text)?.[1] ?? '?'} checks fell back to local state\n`);
      process.exit(0);
    });
    return;
  }
  process.exit(0);
});
