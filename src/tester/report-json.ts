import type { CaseResult } from './case-results.js';
import type { TestResult } from './run-tests.js';

/** OPA's `sub_results`: a level of keys per map, `fail` only when true. */
interface SubResult {
  name: string;
  fail?: true;
  sub_results?: Record<string, SubResult>;
}

/** One entry of `opa test --format json`'s array (OPA's `tester.Result`, without traces). */
export interface JsonTestResult {
  location: { file: string; row: number; col: number };
  package: string;
  name: string;
  fail?: true;
  skip?: true;
  error?: { code: string; message: string };
  /** Nanoseconds, as Go's `time.Duration` marshals. */
  duration: number;
  sub_results?: Record<string, SubResult>;
  benchmark_result?: { N: number; T: number };
}

function subResults(cases: readonly CaseResult[]): Record<string, SubResult> {
  const root: Record<string, SubResult> = {};
  for (const c of cases) {
    let level = root;
    c.path.forEach((key, i) => {
      const node = (level[key] ??= { name: key });
      if (!c.passed) node.fail = true;
      if (i < c.path.length - 1) level = node.sub_results ??= {};
    });
  }
  return root;
}

/** A result in OPA's JSON shape: an evaluation error or timeout is `error`, anything else not passing is `fail`. */
export function jsonResult(r: TestResult, benchmark?: { iterations: number; totalNs: number }): JsonTestResult {
  const out: JsonTestResult = {
    location: { file: r.file, row: r.line, col: r.col },
    package: r.package,
    name: r.rule,
    duration: Math.round(r.durationMs * 1e6),
  };
  if (r.outcome === 'fail') out.fail = true;
  if (r.outcome === 'skip') out.skip = true;
  if (r.outcome === 'error') out.error = { code: /timed out/.test(r.reason ?? '') ? 'eval_cancel_error' : 'eval_error', message: (r.reason ?? '').replace(/^error: /, '') };
  if (r.cases && r.cases.length > 0) out.sub_results = subResults(r.cases);
  if (benchmark) out.benchmark_result = { N: benchmark.iterations, T: benchmark.totalNs };
  return out;
}
