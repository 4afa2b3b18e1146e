import type { Term } from '../ast.js';
import type { RuleGroup } from '../compile/rule-defs.js';
import { termKey } from '../compile/terms.js';

/** Scalars, and arrays, sets and objects of them. */
export function isConstant(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isConstant);
    case 'object':
      return t.entries.every(([k, v]) => isConstant(k) && isConstant(v));
    default:
      return false;
  }
}

/**
 * Whether a rule group may stop at its first definition that holds, as OPA's evaluator does: a
 * complete rule or function of several definitions whose values (else branches included) are one
 * and the same constant. The later definitions could then only give that value again, never a
 * conflict, so running them changes nothing but the time taken. Where values differ, or are
 * computed, every definition still runs so that `eval_conflict_error` is raised. Defaults are
 * unaffected: they apply only when no definition held. Values are compared as written (`1` and
 * `1.0`, or a set in another order, count as different): a miss only costs the early exit.
 */
export function exitsEarly(group: RuleGroup): boolean {
  if (group.kind !== 'complete' && group.kind !== 'function') return false;
  if (group.defs.length < 2) return false;
  const values = group.defs.flatMap((d) => [d.value, ...d.elses.map((e) => e.value)]);
  if (!values.every(isConstant)) return false;
  const first = termKey(values[0]);
  return values.every((v) => termKey(v) === first);
}
