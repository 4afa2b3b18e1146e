import type { CaseResult } from './case-results.js';
import type { FailureExplanation } from './explain-failure.js';
import { formatExplanation } from './explain-failure.js';
import type { TestResult } from './run-tests.js';

/** Passed, failed (failures and errors) and skipped, counting each case of a parameterized test, as OPA counts. */
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export function countResults(results: readonly TestResult[]): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    if (r.outcome === 'skip') counts.skipped++;
    else if (r.cases && r.cases.length > 0 && r.outcome !== 'error') for (const c of r.cases) c.passed ? counts.passed++ : counts.failed++;
    else if (r.passed) counts.passed++;
    else counts.failed++;
  }
  return counts;
}

/** `N passed, M failed` (`, K skipped` when some were). */
export function summaryLine(counts: TestCounts): string {
  return `${counts.passed} passed, ${counts.failed} failed${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}`;
}

/** A parameterized test's cases as an indented tree (a level per key), only failing ones unless `all`. */
export function caseLines(cases: readonly CaseResult[], all: boolean): string[] {
  const lines: string[] = [];
  const printed = new Set<string>();
  const failing = new Set<string>();
  for (const c of cases) if (!c.passed) for (let depth = 1; depth <= c.path.length; depth++) failing.add(c.path.slice(0, depth).join('\0'));
  for (const c of cases) {
    if (!all && c.passed) continue;
    for (let depth = 1; depth <= c.path.length; depth++) {
      const key = c.path.slice(0, depth).join('\0');
      if (printed.has(key)) continue;
      printed.add(key);
      lines.push(`${'  '.repeat(depth)}${c.path[depth - 1]}: ${failing.has(key) ? 'FAIL' : 'PASS'}`);
    }
  }
  return lines;
}

function ms(r: TestResult): string {
  return `(${r.durationMs.toFixed(2)} ms)`;
}

/**
 * The lines `warden test` prints for one result: nothing for a pass unless `verbose`; `FAIL:` with
 * file:line and the reason, the failing cases (every case with `verbose`) and, with `verbose`, the
 * explanation of where the test stopped; `SKIPPED:` for a `todo_test_`.
 */
export function resultLines(r: TestResult, verbose: boolean, explanation?: FailureExplanation): string[] {
  if (r.outcome === 'skip') return [`SKIPPED: ${r.name} at ${r.file}:${r.line}`];
  if (r.passed) return verbose ? [`PASS: ${r.name} ${ms(r)}`, ...caseLines(r.cases ?? [], true)] : [];
  const lines = [`FAIL: ${r.name}${verbose ? ` ${ms(r)}` : ''} at ${r.file}:${r.line}: ${r.reason}`, ...caseLines(r.cases ?? [], verbose)];
  if (verbose && explanation) lines.push(...formatExplanation(explanation));
  return lines;
}
