import type { Expr, Term, VarTerm } from '../ast.js';
import { AddedNames, type BoundNames } from '../compile/bound-names.js';
import { refName, varsOf } from '../compile/terms.js';

/** A term evaluated before an expression, and the variable that stands for it inside. */
export interface Hoisted {
  name: string;
  term: Term;
}

/**
 * The operands OPA's compiler evaluates before an expression rather than inside it:
 * `rewriteExprTerms` moves nested calls into expressions of their own and `rewriteDynamicTerms`
 * does the same for every ref that is a call argument or a composite's element and every ref or
 * call used as a ref key. A ref that is itself a side of `=` or `==` (`==` is unification by then)
 * or the whole expression stays in place; only its dynamic keys move. `hoist` replaces a term by
 * a fresh variable, or returns it unchanged when it cannot be evaluated before the expression.
 */
function hoistOperands(e: Expr, hoist: (t: Term) => Term): Expr {
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

  /** A unification side or the expression's own term: a ref stays, its dynamic keys and call head do not. */
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
      return { ...e, term: inPlace(e.term) };
    case 'call': {
      const name = refName(e.operator);
      // print's arguments are each wrapped in a comprehension first (undefined prints as such).
      if (name === 'print' || name === 'internal.print') return e;
      const unification = (name === 'eq' || name === 'equal') && e.args.length === 2;
      return { ...e, args: e.args.map(unification ? inPlace : operand) };
    }
    default:
      return e;
  }
}

function isComprehension(t: Term): boolean {
  return t.type === 'arrayComprehension' || t.type === 'setComprehension' || t.type === 'objectComprehension';
}

/**
 * A negated expression's operands, evaluated outside the negation (OPA's rewrites do not carry
 * the negation over), so `not f(input.missing)`, `not "a" in input.missing` and
 * `not p[input.missing]` are undefined, not true, while `not input.missing == 1` and
 * `not input.missing` hold. `canHoist`: all the term's variables are bound outside (a term that
 * would iterate there stays inside).
 */
export function hoistNegationOperands(e: Expr, fresh: () => string, canHoist: (t: Term) => boolean): { hoisted: Hoisted[]; expr: Expr } {
  const hoisted: Hoisted[] = [];
  const expr = hoistOperands(e, (t) => {
    if (!canHoist(t)) return t;
    const name = fresh();
    hoisted.push({ name, term: t });
    return { type: 'var', name, loc: t.loc } satisfies VarTerm;
  });
  return { hoisted, expr };
}

/**
 * A call expression with its dynamic operands evaluated first: `i < input.xs[i]` is
 * `$dyn0 = input.xs[i]; i < $dyn0`, so the key binds `i` once and the comparison reads it.
 * `known` holds the variables bound before the expression; `evaluable` says whether a term can be
 * evaluated there (its ref heads and call arguments bound; ref keys may iterate).
 */
export function hoistDynamicOperands<E extends Expr>(e: E, fresh: () => string, known: BoundNames, evaluable: (t: Term, bound: BoundNames) => boolean): { hoisted: Hoisted[]; expr: E } {
  const hoisted: Hoisted[] = [];
  const bound = new AddedNames(known);
  const expr = hoistOperands(e, (t) => {
    if (!evaluable(t, bound)) return t;
    const name = fresh();
    hoisted.push({ name, term: t });
    for (const v of varsOf(t)) bound.add(v);
    bound.add(name);
    return { type: 'var', name, loc: t.loc } satisfies VarTerm;
  }) as E;
  return { hoisted, expr: hoisted.length === 0 ? e : expr };
}
