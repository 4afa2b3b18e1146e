import type { ExecutionContext } from 'ava';
import type { Body, Expr, Module, Term } from '../../../src/rego/ast.js';
import { parseModule, parseQuery, parseTerm } from '../../../src/rego/parser/index.js';

/** The AST without locations, as plain JSON, for comparing shapes. */
export function strip(o: unknown): unknown {
  return JSON.parse(JSON.stringify(o, (k, v) => (k === 'loc' ? undefined : v)));
}

export function mod(t: ExecutionContext, source: string, regoVersion: 0 | 1 = 1): Module {
  const r = parseModule(source, { file: 'test.rego', regoVersion });
  t.deepEqual(r.diagnostics, [], 'unexpected diagnostics');
  if (!r.module) throw new Error('no module');
  return r.module;
}

/** `line:col message` of each diagnostic, checking that all are parse errors of the file. */
export function errors(source: string, regoVersion: 0 | 1 = 1): string[] {
  const r = parseModule(source, { file: 'test.rego', regoVersion });
  if (r.module) return [];
  return r.diagnostics.map((d) => {
    if (d.code !== 'rego_parse_error' || d.file !== 'test.rego') throw new Error(`bad diagnostic ${JSON.stringify(d)}`);
    return `${d.line}:${d.col} ${d.message}`;
  });
}

export function query(t: ExecutionContext, source: string, regoVersion: 0 | 1 = 1): Body {
  const r = parseQuery(source, { file: 'q', regoVersion });
  t.deepEqual(r.diagnostics, []);
  return r.body!;
}

export function queryErrors(source: string): string[] {
  return parseQuery(source, { file: 'q' }).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);
}

export function term(t: ExecutionContext, source: string): Term {
  const r = parseTerm(source, { file: 't' });
  t.deepEqual(r.diagnostics, []);
  return r.term!;
}

/** The single expression of a one-expression query. */
export function expr(t: ExecutionContext, source: string): Expr {
  const body = query(t, source);
  t.is(body.length, 1);
  return body[0]!;
}

export const v = (name: string) => ({ type: 'var', name });
export const s = (value: string) => ({ type: 'string', value });
export const n = (text: string) => ({ type: 'number', text });
export const b = (value: boolean) => ({ type: 'boolean', value });
export const op = (name: string) => {
  const [head, ...rest] = name.split('.');
  return { type: 'ref', head: v(head!), path: rest.map(s) };
};
export const call = (name: string, ...args: unknown[]) => ({ type: 'call', operator: op(name), args });
export const ref = (head: unknown, ...path: unknown[]) => ({ type: 'ref', head, path });
/** An expression of a body, as `strip` shows it. */
export const e = (kind: Record<string, unknown>, negated = false, withs: unknown[] = []) => ({ ...kind, negated, with: withs });
export const callExpr = (name: string, ...args: unknown[]) => e({ type: 'call', operator: op(name), args });
