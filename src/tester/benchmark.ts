import { performance } from 'node:perf_hooks';
import type { TestResult } from './run-tests.js';
import { evaluateOnce } from './evaluation.js';

/** How often a passing test ran as a benchmark, and how long all of it took. */
export interface BenchmarkResult {
  iterations: number;
  totalNs: number;
}

/**
 * Runs `entrypoint` as Go's `testing.Benchmark` does: 1 iteration, then more (about 100× more, at
 * most what the time left predicts) until one round lasts `budgetMs`.
 */
export function benchmarkEntrypoint(policy: { evaluate(input: object, entrypoint: string): unknown }, entrypoint: string, budgetMs: number): BenchmarkResult {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) evaluateOnce(policy, entrypoint);
    const elapsed = performance.now() - t0;
    if (elapsed >= budgetMs || n >= 1e9) return { iterations: n, totalNs: Math.round(elapsed * 1e6) };
    const perOp = Math.max(elapsed / n, 1e-6);
    n = Math.max(n + 1, Math.min(n * 100, Math.ceil((budgetMs * 1.2) / perOp)));
  }
}

/** OPA's `--bench` line: the test, iterations and ns/op, tab separated as Go's benchmark output. */
export function benchmarkLine(r: TestResult, b: BenchmarkResult): string {
  return `${r.name}\t${String(b.iterations).padStart(8)}\t${String(Math.round(b.totalNs / b.iterations)).padStart(10)} ns/op`;
}

/** Each passing test of `results` as a benchmark (OPA's `--bench`); the others get none. */
export function benchmarkTests(results: readonly TestResult[], policy: { evaluate(input: object, entrypoint: string): unknown }, budgetMs: number): Array<BenchmarkResult | undefined> {
  return results.map((r) => (r.passed ? benchmarkEntrypoint(policy, r.entrypoint, budgetMs) : undefined));
}
