/** Stable error codes, as OPA names them. */
export type DiagnosticCode =
  | 'rego_parse_error'
  | 'rego_unsafe_var_error'
  | 'rego_type_error'
  | 'rego_recursion_error'
  | 'rego_compile_error';

/** One problem in a policy, with where it is. `line` and `col` are 1-based. */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  file: string;
  line: number;
  col: number;
  /** The source line, for showing with a caret; filled in by `formatDiagnostic` callers that have it. */
  sourceLine?: string;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message);
}

/** `file:line:col: code: message`, then the line and a caret under the column when known. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.code}: ${d.message}`;
  if (d.sourceLine === undefined) return head;
  const pad = [...d.sourceLine.slice(0, Math.max(0, d.col - 1))].map((c) => (c === '\t' ? '\t' : ' ')).join('');
  return `${head}\n\t${d.sourceLine}\n\t${pad}^`;
}

/**
 * Errors as OPA's `ast.Errors` prints them: `file:line: code: message` each (no column), after
 * `1 error occurred: ` on the same line, or `N errors occurred:` and a line break.
 */
export function errorsOccurred(diagnostics: readonly Diagnostic[]): string {
  const lines = diagnostics.map((d) => `${d.file}:${d.line}: ${d.code}: ${d.message}`);
  return lines.length === 1 ? `1 error occurred: ${lines[0]}` : `${lines.length} errors occurred:\n${lines.join('\n')}`;
}
