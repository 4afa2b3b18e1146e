import { WardenError } from '../errors.js';

/** A plan the code generator cannot turn into Wasm; `where` names the function and statement. */
export class CodegenError extends WardenError<'wasm_compile_error'> {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super('wasm_compile_error', `${where}: ${problem}`);
    this.name = 'CodegenError';
  }
}
