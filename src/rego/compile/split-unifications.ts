import type { Body, Expr, Term } from '../ast.js';
import { eqExpr, refName, termKey } from './terms.js';

/**
 * A body with each unification of two array literals of one length, or of two object literals
 * with the same constant keys, written as one unification per element: `[x, y] = [y, 1]` is
 * `x = y; y = 1`. Unifying literals is exactly that conjunction, and as separate expressions the
 * safety order can bind them in whatever order works, across the body too (`[a, b] = [c, 1];
 * c = b`), as OPA's unifier reaches its fixpoint. Negated expressions (a negated conjunction is
 * not a conjunction) and those with `with` stay whole.
 */
export function splitUnifications(body: Body): Body {
  if (!body.some(splittable)) return body;
  const out: Body = [];
  for (const e of body) {
    if (splittable(e)) {
      const [a, b] = (e as Extract<Expr, { type: 'call' }>).args as [Term, Term];
      const from = e.fromAssign ? { fromAssign: true as const } : {};
      for (const [x, y] of pairs(a, b)!) out.push(...splitUnifications([{ ...eqExpr(x, y, e.loc), ...from }]));
    } else out.push(e);
  }
  return out;
}

function splittable(e: Expr): boolean {
  return e.type === 'call' && !e.negated && e.with.length === 0 && refName(e.operator) === 'eq' && e.args.length === 2 && pairs(e.args[0]!, e.args[1]!) !== undefined;
}

/** The element pairs two literals unify by, or undefined when they are not two such literals. */
function pairs(a: Term, b: Term): Array<[Term, Term]> | undefined {
  if (a.type === 'array' && b.type === 'array') {
    return a.items.length === b.items.length ? a.items.map((x, i) => [x, b.items[i]!]) : undefined;
  }
  if (a.type !== 'object' || b.type !== 'object' || a.entries.length !== b.entries.length) return undefined;
  const scalarKey = (k: Term) => (k.type === 'string' || k.type === 'boolean' || k.type === 'null' ? termKey(k) : undefined);
  const bByKey = new Map<string, Term>();
  for (const [k, v] of b.entries) {
    const key = scalarKey(k);
    if (key === undefined || bByKey.has(key)) return undefined;
    bByKey.set(key, v);
  }
  const out: Array<[Term, Term]> = [];
  for (const [k, v] of a.entries) {
    const key = scalarKey(k);
    const other = key === undefined ? undefined : bByKey.get(key);
    if (other === undefined) return undefined;
    bByKey.delete(key!);
    out.push([v, other]);
  }
  return out;
}
