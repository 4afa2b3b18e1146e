import type { Term } from '../../ast.js';
import { builtinArity } from '../builtin-catalog.js';
import { BodyOrderer } from '../order-bodies.js';
import { SafetyChecker, type ArityOf } from '../safety.js';
import { refName } from '../terms.js';
import type { RuleTree } from '../../plan/rule-tree.js';
import type { CompileState } from './stage.js';

/** Arguments a callable takes: a builtin, or a user function in `tree`. */
export function arityIn(tree: RuleTree): ArityOf {
  return (op: Term) => {
    if (op.type === 'var') return builtinArity(op.name);
    if (op.type !== 'ref') return undefined;
    const name = refName(op);
    if (name === undefined) return undefined;
    if (name.startsWith('data.')) {
      const g = tree.node(name.split('.').slice(1))?.group;
      return g?.kind === 'function' ? g.arity : undefined;
    }
    return builtinArity(name);
  };
}

/**
 * Stage `safety`: every body reordered so that each variable is bound before it is read, as OPA's
 * safety check does, and the variables no order binds, in bodies and heads, reported
 * (`rego_unsafe_var_error`). The planner plans the bodies in this order.
 */
export function safetyStage(state: CompileState): void {
  const report = (d: (typeof state.diagnostics)[number]) => state.diagnostics.push(d);
  const checker = new SafetyChecker(arityIn(state.tree!), report);
  const orderer = new BodyOrderer(checker, report);
  if (state.query) orderer.query(state.query);
  for (const g of state.tree!.groups) orderer.group(g);
  state.safety = checker;
  state.ordered = orderer.ordered;
}
