import { ByteReader } from './byte-reader.js';
import { CodegenError } from './errors.js';
import type { LinkInput } from './link-module.js';

/**
 * What a WebAssembly engine refuses to compile. A module over one of these compiles here but
 * fails in `WebAssembly.instantiate` at load time; checking before emitting turns that into a
 * compile error naming the limit and the function.
 */
export interface EngineLimits {
  /** Parameters and declared locals of one function. */
  functionLocals: number;
  /** Bytes of one function body (local declarations and code). */
  functionBodyBytes: number;
  functionParams: number;
  /** Functions in the module, imported ones included. */
  functions: number;
  globals: number;
  exports: number;
  moduleBytes: number;
}

/** V8's limits (src/wasm/wasm-limits.h, shared with the other engines), which Node applies. */
export const V8_LIMITS: EngineLimits = {
  functionLocals: 50_000,
  functionBodyBytes: 7_654_321,
  functionParams: 1_000,
  functions: 1_000_000,
  globals: 1_000_000,
  exports: 100_000,
  moduleBytes: 1024 * 1024 * 1024,
};

const V8_NAMES: Record<keyof EngineLimits, string> = {
  functionLocals: 'kV8MaxWasmFunctionLocals',
  functionBodyBytes: 'kV8MaxWasmFunctionSize',
  functionParams: 'kV8MaxWasmFunctionParams',
  functions: 'kV8MaxWasmFunctions',
  globals: 'kV8MaxWasmGlobals',
  exports: 'kV8MaxWasmExports',
  moduleBytes: 'kV8MaxWasmModuleSize',
};

/** Declared locals of an encoded function body (its leading local declarations). */
export function declaredLocals(body: Uint8Array): number {
  const r = new ByteReader(body);
  let total = 0;
  for (let groups = r.u32(); groups > 0; groups--) {
    total += r.u32();
    r.byte();
  }
  return total;
}

function over(where: string, what: string, value: number, limit: keyof EngineLimits, limits: EngineLimits): CodegenError {
  const n = (x: number): string => x.toLocaleString('en-US');
  return new CodegenError(where, `${what} ${n(value)}, over the engine's limit of ${n(limits[limit])} (V8's ${V8_NAMES[limit]}): the module would not load`);
}

/** Throws a `CodegenError` naming the first limit the module to be linked would exceed. */
export function checkEngineLimits(input: LinkInput, limits: EngineLimits = V8_LIMITS): void {
  const rt = input.runtime;
  let moduleBytes = rt.code.entries.length + rt.data.entries.length + input.staticData.length;
  input.functions.forEach((f, i) => {
    const where = f.name ?? `generated function ${i}`;
    if (f.params > limits.functionParams) throw over(where, 'parameters', f.params, 'functionParams', limits);
    const locals = f.params + declaredLocals(f.body);
    if (locals > limits.functionLocals) throw over(where, 'locals (parameters included)', locals, 'functionLocals', limits);
    if (f.body.length > limits.functionBodyBytes) throw over(where, 'body bytes', f.body.length, 'functionBodyBytes', limits);
    moduleBytes += f.body.length;
  });
  const functions = rt.importedFuncs + rt.functions.count + input.functions.length;
  if (functions > limits.functions) throw over('module', 'functions', functions, 'functions', limits);
  const globals = rt.globals.count + input.extraGlobals;
  if (globals > limits.globals) throw over('module', 'globals', globals, 'globals', limits);
  const exports = rt.exports.filter((e) => input.keepRuntimeExports(e.name)).length + input.exports.size;
  if (exports > limits.exports) throw over('module', 'exports', exports, 'exports', limits);
  if (moduleBytes > limits.moduleBytes) throw over('module', 'bytes', moduleBytes, 'moduleBytes', limits);
}
