import { WardenError } from '../errors.js';
import { compareDiagnostics, formatDiagnostic, type Diagnostic } from './diagnostics.js';

/** Thrown by `compile` and `parse`: every diagnostic of the modules, deduplicated and sorted. */
export class CompileError extends WardenError<'compile_failed'> {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const seen = new Set<string>();
    const unique = diagnostics.filter((d) => {
      const k = `${d.file}:${d.line}:${d.col}:${d.code}:${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    unique.sort(compareDiagnostics);
    super('compile_failed', `${unique.length} error${unique.length === 1 ? '' : 's'} occurred:\n${unique.map(formatDiagnostic).join('\n')}`);
    this.name = 'CompileError';
    this.diagnostics = unique;
  }
}
