import { prepareQuery, type EvalRequest } from './evaluate-query.js';

/** One benchmark run, in the shape of Go's `testing.BenchmarkResult` that `opa bench --format json` prints. */
export interface BenchResult {
  /** Evaluations run. */
  N: number;
  /** Their total time, in nanoseconds. */
  T: number;
  /** `histogram_timer_rego_query_eval_ns_*`: the distribution of one evaluation's time. */
  Extra: Record<string, number>;
}

export interface BenchOptions {
  /** Run for at least this long (OPA's `--benchtime`, default 1 s). */
  benchtimeMs: number;
  /** Evaluations to run before measuring, so the JIT has settled. */
  warmup?: number;
}

const HISTOGRAM = 'histogram_timer_rego_query_eval_ns';
const PERCENTILES: Array<[string, number]> = [['median', 0.5], ['75%', 0.75], ['90%', 0.9], ['95%', 0.95], ['99%', 0.99], ['99.9%', 0.999], ['99.99%', 0.9999]];

/** The statistics OPA's histogram reports, over sorted samples. */
export function histogram(samples: Float64Array): Record<string, number> {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const variance = sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  const out: Record<string, number> = { [`${HISTOGRAM}_count`]: n, [`${HISTOGRAM}_min`]: sorted[0]!, [`${HISTOGRAM}_max`]: sorted[n - 1]!, [`${HISTOGRAM}_mean`]: Math.round(mean), [`${HISTOGRAM}_stddev`]: Math.round(Math.sqrt(variance)) };
  for (const [name, q] of PERCENTILES) out[`${HISTOGRAM}_${name}`] = at(q);
  return out;
}

/**
 * Compiles a query once, then evaluates it against the same input until `benchtimeMs` has passed
 * (as `opa bench`: each evaluation includes passing the input in and reading the result out).
 */
export async function benchQuery(request: EvalRequest, options: BenchOptions): Promise<BenchResult> {
  const prepared = await prepareQuery(request);
  for (let i = 0; i < (options.warmup ?? 100); i++) prepared.run(request.input);
  const limit = BigInt(Math.round(options.benchtimeMs * 1e6));
  let samples = new Float64Array(1024);
  let n = 0;
  const begin = process.hrtime.bigint();
  let now = begin;
  while (now - begin < limit) {
    const start = now;
    prepared.run(request.input);
    now = process.hrtime.bigint();
    if (n === samples.length) {
      const grown = new Float64Array(n * 2);
      grown.set(samples);
      samples = grown;
    }
    samples[n++] = Number(now - start);
  }
  return { N: n, T: Number(now - begin), Extra: histogram(samples.subarray(0, n)) };
}
