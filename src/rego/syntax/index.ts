import type { Body, Module, Term } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { ModuleParser } from './module-parser.js';
import { SourceText, SyntaxFailure } from './source-text.js';
import { tokenize } from './tokenizer.js';

export interface ParseOptions {
  file: string;
  regoVersion?: 0 | 1;
}

function attempt<T>(source: string, options: ParseOptions, run: (p: ModuleParser) => T): { value?: T; diagnostics: Diagnostic[] } {
  const text = new SourceText(source, options.file);
  try {
    const { tokens, comments } = tokenize(source);
    const parser = new ModuleParser(text, tokens, options.regoVersion ?? 1, comments);
    return { value: run(parser), diagnostics: [] };
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) {
      const message = e instanceof RangeError ? 'input is nested too deeply' : `internal parser error: ${(e as Error).message}`;
      return { diagnostics: [{ code: 'rego_parse_error', message, file: options.file, line: 1, col: 1 }] };
    }
    const { line, col } = text.position(Math.min(e.offset, source.length));
    return { diagnostics: [{ code: 'rego_parse_error', message: e.message, file: options.file, line, col }] };
  }
}

/** Parses a Rego module; syntax errors come back as `rego_parse_error` diagnostics, never thrown. */
export function parseModule(source: string, options: ParseOptions): { module?: Module; diagnostics: Diagnostic[] } {
  const r = attempt(source, options, (p) => p.parseModule());
  return { module: r.value, diagnostics: r.diagnostics };
}

/** Parses a query: expressions separated by `;` or line breaks. */
export function parseQuery(source: string, options: ParseOptions): { body?: Body; diagnostics: Diagnostic[] } {
  const r = attempt(source, options, (p) => {
    const body = p.parseBodyUntil('\u0000');
    if (p.tok.type !== 'eof') p.unexpected('expected end of query');
    return body;
  });
  return { body: r.value, diagnostics: r.diagnostics };
}

/** Parses one term (`{"a": {1, 2}}`), as inputs written in Rego are. */
export function parseTerm(source: string, options: ParseOptions): { term?: Term; diagnostics: Diagnostic[] } {
  const r = attempt(source, options, (p) => {
    const term = p.parseTermExpr();
    if (p.tok.type !== 'eof') p.unexpected('expected end of term');
    return term;
  });
  return { term: r.value, diagnostics: r.diagnostics };
}
