import type { Expr, RefTerm, Term } from '../ast.js';
import type { RuleDef } from '../compile/rule-defs.js';
import { refName } from '../compile/terms.js';
import { isConstant } from './early-exit.js';
import type { RuleTree } from './rule-tree.js';

/**
 * Operators that compare or unify values of any types: in Rego none of them can raise an error
 * (mismatched types compare by Rego's order of types, or fail to unify).
 */
export const INFALLIBLE_CALLS: ReadonlySet<string> = new Set(['eq', 'equal', 'neq', 'lt', 'gt', 'lte', 'gte', 'internal.member_2', 'internal.member_3']);

/** Every builtin {@link cannotFail} counts on: where `with` replaces one, nothing is run out of order. */
export const INFALLIBLE_BUILTINS: readonly string[] = [...INFALLIBLE_CALLS, 'sprintf'];

/**
 * Whether evaluating `def` can neither raise an error nor do anything but give its result: its
 * arguments, body, key and value are made of constants, local variables, refs into `input` or
 * base `data` (no rule is evaluated), comparisons, unifications and membership tests of them, and
 * `sprintf` with a constant format, without `with`. Such definitions can run in any order among
 * each other with the same outcome: with early exit, whichever holds first gives the one constant;
 * otherwise each runs anyway.
 * Conservative: anything else (builtin calls, rules, comprehensions, else chains) is not.
 */
export function cannotFail(def: RuleDef, tree: RuleTree): boolean {
  if (def.elses.length > 0) return false;
  const terms = [...def.args, ...def.keys, def.value, ...(def.element ? [def.element] : [])];
  return terms.every((t) => infallibleTerm(t, tree)) && def.body.every((e) => infallibleExpr(e, tree));
}

function infallibleExpr(e: Expr, tree: RuleTree): boolean {
  if (e.with.length > 0 || e.logical) return false;
  switch (e.type) {
    case 'term':
      return infallibleTerm(e.term, tree);
    case 'call': {
      const op = refName(e.operator);
      return op !== undefined && INFALLIBLE_CALLS.has(op) && e.args.every((a) => infallibleTerm(a, tree));
    }
    case 'some':
      return true;
    case 'someIn':
      return [e.key, e.value, e.collection].every((t) => t === undefined || infallibleTerm(t, tree));
    default:
      return false;
  }
}

const SCALARS: ReadonlySet<Term['type']> = new Set(['null', 'boolean', 'number', 'string']);

function infallibleTerm(t: Term, tree: RuleTree): boolean {
  switch (t.type) {
    case 'var':
      // Rules of the package were resolved to `data` refs: a variable left is a local one.
      return t.name !== 'data';
    case 'ref':
      return infallibleRef(t, tree);
    case 'array':
    case 'set':
      return t.items.every((x) => infallibleTerm(x, tree));
    case 'object':
      // Computed keys could collide.
      return t.entries.every(([k, v]) => SCALARS.has(k.type) && infallibleTerm(v, tree));
    case 'call':
      // A violation's message: sprintf with a constant format and an array cannot fail (Go's fmt
      // prints a verb that does not fit its value as `%!d(string=…)`).
      return refName(t.operator) === 'sprintf' && t.args.length === 2 && t.args[0]!.type === 'string' && t.args[1]!.type === 'array' && infallibleTerm(t.args[1]!, tree);
    default:
      // Scalars; calls, comprehensions and templates may fail.
      return isConstant(t);
  }
}

/** A ref into `input`, a local value, or base `data`. */
function infallibleRef(t: RefTerm, tree: RuleTree): boolean {
  if (t.head.type !== 'var' || !t.path.every((p) => infallibleTerm(p, tree))) return false;
  return t.head.name !== 'data' || tree.isBaseData(t.path);
}
