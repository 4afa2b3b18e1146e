import { Planner } from '../../plan/planner.js';
import type { CompileState } from './stage.js';

const ENTRYPOINT_LOC = { file: '<entrypoint>', line: 1, col: 1, offset: 0, end: 0 };

/**
 * Stage `plan`: the query, the entrypoints and every rule as OPA plan IR. Reports recursion
 * (`rego_recursion_error`) and what only planning sees, where `with` replaces functions: calls of
 * undefined functions or with the wrong number of arguments (`rego_type_error`), `with` targets
 * (`rego_compile_error`).
 */
export function planStage(state: CompileState): void {
  const planner = new Planner(state.tree!, state.safety!, state.ordered!, (d) => state.diagnostics.push(d), state.modules);
  planner.coverage = state.options.coverage ?? false;
  planner.earlyExit = state.options.earlyExit ?? true;
  planner.ruleIndexes = state.ruleIndexes ?? new Map();
  if (state.query) planner.planQuery('eval', state.query);
  for (const path of state.entrypoints) planner.planEntrypoint(path, ENTRYPOINT_LOC);
  // Every rule is planned, reachable from an entrypoint or not, so that its compile errors
  // surface as OPA reports them: a policy with an unsafe variable anywhere does not compile.
  for (const g of planner.tree.groups) planner.funcName(g, { id: 0, mocks: new Map() });
  if (planner.unboundVars.length > 0 && state.diagnostics.length === 0) {
    // The safety stage passed what planning could not bind: fail rather than plan around it.
    throw new Error(`compiler: unbound variables planned after the safety stage passed them: ${planner.unboundVars.join(', ')}`);
  }
  state.policy = planner.policy();
}
