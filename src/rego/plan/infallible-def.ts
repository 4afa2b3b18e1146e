import type { Expr, RefTerm, Term } from '../ast.js';
import type { RuleDef } from '../compile/rule-defs.js';
import { refName } from '../compile/terms.js';
import type { RuleTree } from './rule-tree.js';

/**
 * Operators that compare or unify values of any types: in Rego none of them can raise an error
 * (mismatched types compare by Rego's order of types, or fail to unify).
 */
export const INFALLIBLE_CALLS: ReadonlySet<string> = new Set(['eq', 'equal', 'neq', 'lt', 'gt', 'lte', 'gte', 'internal.member_2', 'internal.member_3']);

/**
 * Whether evaluating `def` can neither raise an error nor do anything but give its result: its
 * arguments, body, key and value are made of constants, local variables, refs into `input` or
 * base `data` (no rule is evaluated), and comparisons, unifications and membership tests of them,
 * without `with`. Such definitions can run in any order among each other with the same outcome:
 * with early exit, whichever holds first gives the one constant; otherwise each runs anyway.
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

function infallibleTerm(t: Term, tree: RuleTree): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'var':
      // Rules of the package were resolved to `data` refs: a variable left is a local one.
      return t.name !== 'data';
    case 'array':
    case 'set':
      return t.items.every((x) => infallibleTerm(x, tree));
    case 'object':
      // Computed keys could collide.
      return t.entries.every(([k, v]) => (k.type === 'string' || k.type === 'number' || k.type === 'boolean' || k.type === 'null') && infallibleTerm(v, tree));
    case 'ref':
      return infallibleRef(t, tree);
    default:
      return false;
  }
}

/** A ref into `input`, a local value, or base `data` (its constant prefix leaves the rule tree before anything varies). */
function infallibleRef(t: RefTerm, tree: RuleTree): boolean {
  if (t.head.type !== 'var' || !t.path.every((p) => infallibleTerm(p, tree))) return false;
  if (t.head.name !== 'data') return true;
  let node = tree.root;
  for (const seg of t.path) {
    if (node.group || seg.type !== 'string') return false;
    const next = node.children.get(seg.value);
    if (!next) return true;
    node = next;
  }
  return false;
}
