import { buildRuleIndexes } from '../../plan/rule-index.js';
import type { CompileState } from './stage.js';

/**
 * Stage `ruleIndex`: for each rule set of several definitions, the keys (refs into `input` or
 * base `data`, or function arguments) whose constants select the definitions worth running, as
 * OPA's topdown indexer does; `plan` dispatches on them. Compile option `ruleIndex: false` skips it:
 * every definition runs, as in OPA's Wasm target (tests compare both).
 */
export function ruleIndexStage(state: CompileState): void {
  // Coverage builds try every definition, so an expression counts as covered once evaluated, as
  // coverage reports did before the index (a definition ruled out would show as never reached).
  const off = state.options.ruleIndex === false || state.options.coverage === true;
  state.ruleIndexes = off ? new Map() : buildRuleIndexes(state.tree!);
}
