import type { Expr, Term, VarTerm } from '../ast.js';
import { refName, varsOf } from '../compile/terms.js';
import type { Hoisted } from './negation-operands.js';

type CallExpr = Extract<Expr, { type: 'call' }>;

/**
 * A call expression with its dynamic operands evaluated first, as OPA's compiler does before
 * planning (`rewriteExprTerms` moves nested calls out, `rewriteDynamicTerms` every ref that is a
 * call argument or a composite's element, and every dynamic ref key): `i < input.xs[i]` is
 * `$dyn0 = input.xs[i]; i < $dyn0`, so the key binds `i` once and the comparison reads it. A ref
 * that is itself a side of `=` or `==` stays in place (only its dynamic keys move): unification
 * binds its key variables while evaluating it.
 *
 * `known` holds the variables bound before the expression; a term is moved out only when it can
 * be evaluated there (its ref heads and call arguments bound, ref keys may iterate), else it
 * stays where it is.
 */
export function hoistDynamicOperands(
  e: CallExpr,
  fresh: () => string,
  known: Set<string>,
  evaluable: (t: Term, bound: Set<string>) => boolean,
): { hoisted: Hoisted[]; expr: CallExpr } {
  const hoisted: Hoisted[] = [];
  const bound = new Set(known);
  const hoist = (t: Term): Term => {
    if (!evaluable(t, bound)) return t;
    const name = fresh();
    hoisted.push({ name, term: t });
    varsOf(t, bound);
    bound.add(name);
    return { type: 'var', name, loc: t.loc } satisfies VarTerm;
  };

  /** A call argument or a composite's element: refs, calls and templates are evaluated first. */
  const operand = (t: Term): Term => {
    switch (t.type) {
      case 'ref':
        return hoist(inPlace(t));
      case 'call':
        return hoist({ ...t, args: t.args.map(operand) });
      case 'templateString':
        return hoist(t);
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(operand) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [operand(k), operand(v)] as [Term, Term]) };
      default:
        return t;
    }
  };

  /** A unification side: a ref stays, its dynamic keys do not. */
  const inPlace = (t: Term): Term => (t.type === 'ref' ? { ...t, path: t.path.map(operand) } : operand(t));

  const name = refName(e.operator);
  // print's arguments are each wrapped in a comprehension first (undefined prints as such).
  if (name === 'print' || name === 'internal.print') return { hoisted, expr: e };
  const unification = (name === 'eq' || name === 'equal') && e.args.length === 2;
  const args = e.args.map(unification ? inPlace : operand);
  return { hoisted, expr: hoisted.length === 0 ? e : { ...e, args } };
}
