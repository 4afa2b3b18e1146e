import type { Body, Module, Term } from '../rego/ast.js';
import { exprTerms, walkTerm } from '../rego/compile/terms.js';
import { COVERAGE_BUILTIN } from '../rego/plan/planner.js';
import { HOST_BUILTIN_PREFIX } from '../wasm/native-builtins.js';

/** Lines of one file that run, and those that never did. */
export interface FileCoverage {
  file: string;
  covered: number[];
  notCovered: number[];
  /** Covered share of the file's coverable lines, 0–100. */
  percent: number;
}

export interface CoverageReport {
  files: FileCoverage[];
  covered: number;
  coverable: number;
  percent: number;
}

function bodyLines(body: Body, out: Set<number>): void {
  const inTerm = (t: Term): void =>
    walkTerm(t, (x) => {
      if (x.type === 'arrayComprehension' || x.type === 'setComprehension' || x.type === 'objectComprehension') bodyLines(x.body, out);
    });
  for (const e of body) {
    out.add(e.loc.line);
    if (e.type === 'every') bodyLines(e.body, out);
    exprTerms(e).forEach(inTerm);
  }
}

/** Every line holding a rule head (with its `else` branches) or an expression, per file. */
export function coverableLines(modules: Module[]): Map<string, Set<number>> {
  const byFile = new Map<string, Set<number>>();
  for (const m of modules) {
    const lines = byFile.get(m.file) ?? new Set<number>();
    byFile.set(m.file, lines);
    for (const rule of m.rules) {
      for (let r: typeof rule | undefined = rule; r; r = r.else) {
        lines.add(r.loc.line);
        bodyLines(r.body, lines);
      }
    }
  }
  return byFile;
}

/**
 * Collects the `file:line` marks a coverage build (`compile({ coverage: true })`) reports while
 * it runs, across any number of evaluations.
 */
export class CoverageRecorder {
  private readonly reached = new Map<string, Set<number>>();

  /** The builtin to pass to `loadPolicy` next to the usual ones. */
  builtins(): Record<string, (where: string) => boolean> {
    return {
      [HOST_BUILTIN_PREFIX + COVERAGE_BUILTIN]: (where: string) => {
        this.mark(where);
        return true;
      },
    };
  }

  /** Records one `file:line` mark (what the builtin reports; also marks sent from a test thread). */
  mark(where: string): void {
    const at = where.lastIndexOf(':');
    const file = where.slice(0, at);
    const lines = this.reached.get(file) ?? new Set<number>();
    lines.add(Number(where.slice(at + 1)));
    this.reached.set(file, lines);
  }

  report(modules: Module[]): CoverageReport {
    const files: FileCoverage[] = [];
    let covered = 0;
    let coverable = 0;
    for (const [file, lines] of [...coverableLines(modules)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const reached = this.reached.get(file) ?? new Set<number>();
      const sorted = [...lines].sort((a, b) => a - b);
      const yes = sorted.filter((l) => reached.has(l));
      const no = sorted.filter((l) => !reached.has(l));
      covered += yes.length;
      coverable += sorted.length;
      files.push({ file, covered: yes, notCovered: no, percent: percentOf(yes.length, sorted.length) });
    }
    return { files, covered, coverable, percent: percentOf(covered, coverable) };
  }
}

function percentOf(part: number, whole: number): number {
  return whole === 0 ? 100 : Math.round((part / whole) * 1000) / 10;
}

/** `3-5, 9` */
export function lineRanges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** One line per file, then the total. */
export function formatCoverage(report: CoverageReport): string {
  const rows = report.files.map((f) => {
    const missing = f.notCovered.length > 0 ? `  not covered: ${lineRanges(f.notCovered)}` : '';
    return `${f.file}: ${f.percent.toFixed(1)}% (${f.covered.length}/${f.covered.length + f.notCovered.length} lines)${missing}`;
  });
  rows.push(`coverage: ${report.percent.toFixed(1)}% (${report.covered}/${report.coverable} lines)`);
  return rows.join('\n');
}

/** OPA's `opa test --coverage` JSON shape: row ranges per file and percentages. */
export function coverageJson(report: CoverageReport): unknown {
  const ranges = (lines: number[]) => {
    const out: Array<{ start: { row: number }; end: { row: number } }> = [];
    for (const l of lines) {
      const last = out[out.length - 1];
      if (last && last.end.row === l - 1) last.end.row = l;
      else out.push({ start: { row: l }, end: { row: l } });
    }
    return out;
  };
  const files: Record<string, unknown> = {};
  for (const f of report.files) {
    files[f.file] = {
      ...(f.covered.length > 0 ? { covered: ranges(f.covered) } : {}),
      ...(f.notCovered.length > 0 ? { not_covered: ranges(f.notCovered) } : {}),
      covered_lines: f.covered.length,
      not_covered_lines: f.notCovered.length,
      coverage: f.percent,
    };
  }
  return { files, covered_lines: report.covered, not_covered_lines: report.coverable - report.covered, coverage: report.percent };
}
