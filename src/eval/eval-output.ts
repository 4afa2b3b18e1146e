import type { EvalResult, EvalRow } from './evaluate-query.js';
import { renderTable } from './text-table.js';
import { stringifyJsonExact } from '../engine/exact-json.js';

/** `warden eval --format` values, as `opa eval -f`. */
export const EVAL_FORMATS = ['json', 'values', 'bindings', 'raw', 'pretty'] as const;
export type EvalFormat = (typeof EVAL_FORMATS)[number];

const json = (value: unknown) => `${stringifyJsonExact(value, 2)}\n`;

/** `--format json`: OPA's output document (`{}` when undefined). */
function jsonOutput(result: EvalResult, withMetrics: boolean): string {
  const out: Record<string, unknown> = {};
  if (withMetrics) out.metrics = result.metrics;
  if (result.rows.length > 0) out.result = result.rows;
  if (result.profile) out.profile = result.profile;
  return json(out);
}

/** `--format raw`: one line per row, its expressions' values space-separated, strings unquoted. */
function rawOutput(rows: EvalRow[]): string {
  return rows.map((row) => `${row.expressions.map((e) => (typeof e.value === 'string' ? e.value : stringifyJsonExact(e.value))).join(' ')}\n`).join('');
}

/** A column of the pretty table: a query variable's binding, or an expression's value. */
type Column = { header: string; cell: (row: EvalRow) => unknown };

function columnsOf(first: EvalRow): Column[] {
  const bindings = Object.keys(first.bindings ?? {})
    .sort()
    .map((name): Column => ({ header: name, cell: (row) => row.bindings?.[name] }));
  // With bindings, an expression that is only true (a condition) adds nothing to the table.
  const shown = first.expressions.flatMap((e, i): Column[] =>
    typeof e.value !== 'boolean' || bindings.length === 0 ? [{ header: e.text, cell: (row) => row.expressions[i]?.value }] : [],
  );
  return [...bindings, ...shown];
}

/** `--format pretty`: a single value as JSON, otherwise a table of bindings and values; `undefined` when there is no result. */
function prettyResult(rows: EvalRow[]): string {
  if (rows.length === 0) return 'undefined\n';
  const [first] = rows as [EvalRow];
  if (rows.length === 1 && !first.bindings && (first.expressions.length === 1 || first.expressions.every((e) => typeof e.value === 'boolean'))) {
    return json(first.expressions[0]!.value);
  }
  const columns = columnsOf(first);
  return renderTable(
    columns.map((c) => c.header),
    rows.map((row) => columns.map((c) => (c.cell(row) === undefined ? '' : stringifyJsonExact(c.cell(row))))),
  );
}

function prettyOutput(result: EvalResult, withMetrics: boolean): string {
  let out = prettyResult(result.rows);
  if (withMetrics) {
    const metrics = Object.entries(result.metrics).sort(([a], [b]) => a.localeCompare(b));
    out += renderTable(['Metric', 'Value'], metrics.map(([k, v]) => [k, String(v)]));
  }
  if (result.profile && result.profile.length > 0) {
    out += renderTable(['Num Eval', 'Location'], result.profile.map((p) => [String(p.num_eval), `${p.location.file}:${p.location.row}`]));
  }
  return out;
}

/** The text `opa eval --format FORMAT` prints for a result. */
export function formatEvalResult(result: EvalResult, format: EvalFormat, withMetrics = false): string {
  switch (format) {
    case 'json':
      return jsonOutput(result, withMetrics);
    case 'values':
      return result.rows.map((row) => json(row.expressions.map((e) => e.value))).join('');
    case 'bindings':
      return result.rows.map((row) => json(row.bindings ?? {})).join('');
    case 'raw':
      return rawOutput(result.rows);
    case 'pretty':
      return prettyOutput(result, withMetrics);
  }
}
