import { generateModule } from '../../../wasm/compile-plan.js';
import type { CompileState } from './stage.js';

/** Stage `codegen`: the plan's functions as WebAssembly code, with their constants. */
export function codegenStage(state: CompileState): void {
  state.generated = generateModule(state.policy!, { strictBuiltinErrors: state.options.strictBuiltinErrors, constantsOnce: state.options.constantsOnce });
}
