import { linkModule } from '../../../wasm/link-module.js';
import type { CompileState } from './stage.js';

/** Stage `link`: the generated functions appended to the runtime, one module with OPA's ABI. */
export function linkStage(state: CompileState): void {
  state.wasm = linkModule(state.generated!);
}
