import type { Body, Module, Term } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { ModuleParser } from './module-parser.js';
import type { ParserOptions } from './parser-state.js';

export type { ParserOptions } from './parser-state.js';

/**
 * Runs one parse; the parser reports syntax errors as diagnostics itself, and anything else that
 * escapes (a bug, or a stack exhausted by pathological nesting) becomes a diagnostic too, so that
 * callers never see an exception for any input.
 */
function guarded<T extends { diagnostics: Diagnostic[] }>(source: string, options: ParserOptions, run: (p: ModuleParser) => T): T | { diagnostics: Diagnostic[] } {
  try {
    return run(new ModuleParser(source, options));
  } catch (e) {
    const message = e instanceof RangeError ? 'max parsing recursion depth exceeded' : `internal parser error: ${(e as Error).message}`;
    return { diagnostics: [{ code: 'rego_parse_error', message, file: options.file, line: 1, col: 1 }] };
  }
}

/** Parses a Rego module (v1 unless `regoVersion: 0`); syntax errors come back as `rego_parse_error` diagnostics. */
export function parseModule(source: string, options: ParserOptions): { module?: Module; diagnostics: Diagnostic[] } {
  return guarded(source, options, (p) => p.parseModule());
}

/** Parses a query such as `data.test.p = x`: expressions separated by `;` or line breaks. */
export function parseQuery(source: string, options: ParserOptions): { body?: Body; diagnostics: Diagnostic[] } {
  return guarded(source, options, (p) => p.parseQuery());
}

/** Parses one Rego term, such as an input written as `{"a": {1, 2}, "b": set()}`. */
export function parseTerm(source: string, options: ParserOptions): { term?: Term; diagnostics: Diagnostic[] } {
  return guarded(source, options, (p) => p.parseSingleTerm());
}
