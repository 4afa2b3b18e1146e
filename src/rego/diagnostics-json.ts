import type { Diagnostic } from './diagnostics.js';

/** One error of OPA's `--format json` output, keys in the order OPA's encoder writes them. */
interface OpaOutputError {
  details?: { line: string; idx: number };
  location?: { file: string; row: number; col: number };
  message: string;
  code?: string;
}

/**
 * JSON as Go's `encoding/json` encoder writes it with a two-space indent: `<`, `>`, `&`, U+2028
 * and U+2029 escaped, and a final newline, so output compares byte for byte with OPA's.
 */
export function goIndentedJson(value: unknown): string {
  const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  return `${JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c]!)}\n`;
}

function outputError(d: Diagnostic): OpaOutputError {
  // OPA's parser attaches the offending line and the error's index in it; its other errors carry no such detail.
  const details = d.code === 'rego_parse_error' && d.sourceLine !== undefined ? { details: { line: d.sourceLine, idx: Math.max(0, d.col - 1) } } : {};
  return { ...details, location: { file: d.file, row: d.line, col: d.col }, message: d.message, code: d.code };
}

/**
 * `{"errors": [...]}` as `opa check --format json` prints a failed compile: each error's message,
 * code, location (`file`, `row`, `col`) and, for parse errors, `details` (`line`, `idx`).
 *
 * @example
 * opaErrorsJson([{ code: 'rego_compile_error', message: 'assigned var x unused', file: 'p.rego', line: 4, col: 2 }])
 */
export function opaErrorsJson(diagnostics: readonly Diagnostic[]): string {
  return goIndentedJson({ errors: diagnostics.map(outputError) });
}

/** An error without a code or location (a file that cannot be read), in the same shape: `{"errors": [{"message": …}]}`. */
export function opaMessageJson(message: string): string {
  return goIndentedJson({ errors: [{ message }] });
}
