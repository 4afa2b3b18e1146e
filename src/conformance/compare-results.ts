import type { ConformanceCase } from './case-types.js';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return JSON.stringify(v);
}

function sortedBindings(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = Array.isArray(v) ? [...v].map(canonical).sort() : v;
  }
  return out;
}

/**
 * Compares result rows as OPA's harnesses do: rows in any order; with `sort_bindings`, the arrays
 * directly under each binding compare as sets. Numbers compare by value (1 and 1.0 are equal).
 */
export function resultsMatch(c: ConformanceCase, want: unknown[], got: unknown[]): boolean {
  if (want.length !== got.length) return false;
  const norm = (rows: unknown[]) =>
    rows
      .map((r) => (c.sort_bindings ? sortedBindings(r as Record<string, unknown>) : r))
      .map(canonical)
      .sort();
  const a = norm(want);
  const b = norm(got);
  return a.every((x, i) => x === b[i]);
}
