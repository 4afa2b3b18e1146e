import { checkQueryTypes, checkTypes } from '../../types/check-types.js';
import { RuleTree } from '../../plan/rule-tree.js';
import type { CompileState } from './stage.js';

/**
 * Stage `typeCheck`: builtin arguments against their signatures, and the rules grouped by path,
 * where definitions of different kinds at one path conflict (`rego_type_error`).
 */
export function typeCheckStage(state: CompileState): void {
  state.diagnostics.push(...checkTypes(state.defs));
  if (state.query) state.diagnostics.push(...checkQueryTypes(state.query));
  const packages = state.modules.map((m) => m.package.path.map((p) => p.value));
  state.tree = new RuleTree(state.defs, (d) => state.diagnostics.push(d), packages);
}
