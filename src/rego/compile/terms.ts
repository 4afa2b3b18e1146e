import type { Body, Expr, Location, RefTerm, StringTerm, Term, VarTerm } from '../ast.js';

/** Small constructors and queries over AST terms shared by the checks and the planner. */

export const str = (value: string, loc: Location): StringTerm => ({ type: 'string', value, loc });
export const variable = (name: string, loc: Location): VarTerm => ({ type: 'var', name, loc });
export const ref = (head: Term, path: Term[], loc: Location): RefTerm => ({ type: 'ref', head, path, loc });

/** `left = right` as a body expression (what the compiler inserts when it moves a term into a body). */
export const eqExpr = (left: Term, right: Term, loc: Location, withs: Expr['with'] = []): Expr => ({
  type: 'call',
  operator: ref(variable('eq', loc), [], loc),
  args: [left, right],
  negated: false,
  with: withs,
  loc,
});

/** `data.a.b` as a ref term. */
export function dataRef(path: string[], loc: Location): RefTerm {
  return ref(variable('data', loc), path.map((p) => str(p, loc)), loc);
}

/** The dotted name of a ref made of a var head and string path (`io.jwt.decode`), else undefined. */
export function refName(r: RefTerm): string | undefined {
  if (r.head.type !== 'var') return undefined;
  const parts = [r.head.name];
  for (const p of r.path) {
    if (p.type !== 'string') return undefined;
    parts.push(p.value);
  }
  return parts.join('.');
}

/** Ground string path of a `data...` ref up to the first non-string segment. */
export function dataPrefix(r: RefTerm): string[] | undefined {
  if (r.head.type !== 'var' || r.head.name !== 'data') return undefined;
  const out: string[] = [];
  for (const p of r.path) {
    if (p.type !== 'string') break;
    out.push(p.value);
  }
  return out;
}

/** Calls `fn` on every term nested in `t`, including comprehension heads and bodies. */
export function walkTerm(t: Term, fn: (t: Term) => void): void {
  fn(t);
  switch (t.type) {
    case 'ref':
      walkTerm(t.head, fn);
      t.path.forEach((p) => walkTerm(p, fn));
      return;
    case 'array':
    case 'set':
      t.items.forEach((x) => walkTerm(x, fn));
      return;
    case 'object':
      t.entries.forEach(([k, v]) => {
        walkTerm(k, fn);
        walkTerm(v, fn);
      });
      return;
    case 'arrayComprehension':
    case 'setComprehension':
      walkTerm(t.head, fn);
      walkBody(t.body, fn);
      return;
    case 'objectComprehension':
      walkTerm(t.key, fn);
      walkTerm(t.value, fn);
      walkBody(t.body, fn);
      return;
    case 'call':
      walkTerm(t.operator, fn);
      t.args.forEach((a) => walkTerm(a, fn));
      return;
    case 'templateString':
      t.parts.forEach((p) => typeof p !== 'string' && walkTerm(p, fn));
      return;
    default:
      return;
  }
}

/**
 * The terms of an expression. `operands` leaves out what names things rather than holding values
 * (call operators, `with` targets, `some` and `every` declarations), as safety analysis wants.
 */
export function exprTerms(e: Expr, operands = false): Term[] {
  const out: Term[] = [];
  switch (e.type) {
    case 'term':
      out.push(e.term);
      break;
    case 'call':
      if (!operands) out.push(e.operator);
      out.push(...e.args);
      break;
    case 'some':
      if (!operands) out.push(...e.vars);
      break;
    case 'someIn':
      if (e.key) out.push(e.key);
      out.push(e.value, e.collection);
      break;
    case 'every':
      if (!operands) {
        if (e.key) out.push(e.key);
        out.push(e.value);
      }
      out.push(e.domain);
      break;
  }
  for (const w of e.with) {
    if (!operands) out.push(w.target);
    out.push(w.value);
  }
  return out;
}

export function walkBody(body: Body, fn: (t: Term) => void): void {
  for (const e of body) {
    for (const t of exprTerms(e)) walkTerm(t, fn);
    if (e.type === 'every') walkBody(e.body, fn);
  }
}

/** Vars in `t`, not descending into comprehensions (their vars are their own unless closed over). */
export function varsOf(t: Term, out = new Set<string>(), intoClosures = false): Set<string> {
  const visit = (x: Term): void => {
    switch (x.type) {
      case 'var':
        out.add(x.name);
        return;
      case 'ref':
        visit(x.head);
        x.path.forEach(visit);
        return;
      case 'array':
      case 'set':
        x.items.forEach(visit);
        return;
      case 'object':
        x.entries.forEach(([k, v]) => {
          visit(k);
          visit(v);
        });
        return;
      case 'call':
        x.args.forEach(visit);
        return;
      case 'templateString':
        x.parts.forEach((p) => typeof p !== 'string' && visit(p));
        return;
      case 'arrayComprehension':
      case 'setComprehension':
      case 'objectComprehension':
        if (intoClosures) walkTerm(x, (y) => y.type === 'var' && out.add(y.name));
        return;
      default:
        return;
    }
  };
  visit(t);
  return out;
}

export const ROOTS = new Set(['input', 'data']);

/** A variable's name as the user wrote it: `_` for wildcards, the original for renamed locals. */
export function displayName(name: string): string {
  if (name.startsWith('$')) return '_';
  const m = /^__local\d+__(.+)$/.exec(name);
  return m ? m[1]! : name;
}

export function isGenerated(name: string): boolean {
  return name.startsWith('$') || name.startsWith('__local');
}

/** A term's structure as text, without locations: equal for terms that mean the same. */
export function termKey(t: unknown): string {
  return JSON.stringify(t, (key, v) => (key === 'loc' ? undefined : v));
}
