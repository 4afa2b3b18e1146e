import { checkQueryTypes, checkTypes } from '../../types/check-types.js';
import { RuleTree } from '../../plan/rule-tree.js';
import { deprecatedBuiltinCalls } from '../rego-v1-checks.js';
import type { CompileState } from './stage.js';

/**
 * Stage `typeCheck`: builtin arguments against their signatures, and the rules grouped by path,
 * where definitions of different kinds at one path conflict (`rego_type_error`); with `strict`,
 * calls of deprecated builtins.
 */
export function typeCheckStage(state: CompileState): void {
  state.diagnostics.push(...checkTypes(state.defs));
  if (state.query) state.diagnostics.push(...checkQueryTypes(state.query));
  const packages = state.modules.map((m) => m.package.path.map((p) => p.value));
  state.tree = new RuleTree(state.defs, (d) => state.diagnostics.push(d), packages);
  // OPA checks for deprecated builtins in its last stage, so only a policy clean so far hears of them.
  if (state.options.strict && state.diagnostics.length === 0) state.diagnostics.push(...state.modules.flatMap(deprecatedBuiltinCalls));
}
