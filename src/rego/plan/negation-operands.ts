import type { Expr, Term, VarTerm } from '../ast.js';
import { refName } from '../compile/terms.js';

/** A term evaluated before a negation, and the variable that stands for it inside. */
export interface Hoisted {
  name: string;
  term: Term;
}

/**
 * The operands OPA's compiler evaluates before a negated expression rather than inside it, and
 * the expression with each replaced by a fresh variable. OPA's `rewriteExprTerms` moves nested
 * calls into expressions of their own and `rewriteDynamicTerms` does the same for every ref that
 * is a call argument or a composite's element and every ref or call used as a ref key; neither
 * carries the negation over, so `not f(input.missing)`, `not "a" in input.missing` and
 * `not p[input.missing]` are undefined, not true. A ref that is itself an operand of `=` or `==`
 * (`==` is unification by then) or the whole expression stays inside: `not input.missing == 1`
 * and `not input.missing` hold.
 *
 * `canHoist` says whether a term may be evaluated outside (all its variables bound there); a term
 * that would iterate outside the negation stays where it is.
 */
export function hoistNegationOperands(e: Expr, fresh: () => string, canHoist: (t: Term) => boolean): { hoisted: Hoisted[]; expr: Expr } {
  const hoisted: Hoisted[] = [];
  const hoist = (t: Term): Term => {
    if (!canHoist(t)) return t;
    const name = fresh();
    hoisted.push({ name, term: t });
    return { type: 'var', name, loc: t.loc } satisfies VarTerm;
  };

  /** A call argument or a composite's element: refs and calls are evaluated first. */
  const operand = (t: Term): Term => {
    switch (t.type) {
      case 'ref':
      case 'call':
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

  /** A unification side or the expression's own term: a ref stays, its dynamic keys do not. */
  const inPlace = (t: Term): Term => {
    switch (t.type) {
      case 'ref': {
        const head = t.head.type === 'var' || isComprehension(t.head) ? t.head : hoist(t.head);
        return { ...t, head, path: t.path.map(operand) };
      }
      case 'arrayComprehension':
      case 'setComprehension':
      case 'objectComprehension':
        return t;
      default:
        return operand(t);
    }
  };

  switch (e.type) {
    case 'term':
      return { hoisted, expr: { ...e, term: inPlace(e.term) } };
    case 'call': {
      const name = refName(e.operator);
      // print's arguments are each wrapped in a comprehension first (undefined prints as such).
      if (name === 'print' || name === 'internal.print') return { hoisted, expr: e };
      const unification = (name === 'eq' || name === 'equal') && e.args.length === 2;
      return { hoisted, expr: { ...e, args: e.args.map(unification ? inPlace : operand) } };
    }
    default:
      return { hoisted, expr: e };
  }
}

function isComprehension(t: Term): boolean {
  return t.type === 'arrayComprehension' || t.type === 'setComprehension' || t.type === 'objectComprehension';
}
