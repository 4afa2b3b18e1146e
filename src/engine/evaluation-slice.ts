import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';

/**
 * What a Warden module aborts an evaluation with once the slice armed for it is used up
 * (src/wasm/runtime/fuel.ts); the SDK's `opa_abort` throws it as this string.
 */
export const SLICE_USED_UP = 'warden: evaluation slice used up';

/** The SDK instance fields read here (opa-wasm's LoadedPolicy, pinned by package-lock). */
interface SliceInternals {
  mem?: { readonly buffer: ArrayBuffer };
  wasmInstance?: { exports: { warden_fuel?: (units: number) => void; builtins?: () => number; opa_json_dump?: (addr: number) => number } };
}

/**
 * Arms a slice of `units` of work (loop iterations, and allocations) for each evaluation of `policy`
 * that follows, 0 disarming it; `undefined` for a module that has no slices (one OPA built).
 */
export function sliceControl(policy: LoadedPolicy): ((units: number) => void) | undefined {
  const arm = (policy as unknown as SliceInternals).wasmInstance?.exports.warden_fuel;
  return typeof arm === 'function' ? arm : undefined;
}

/** The host builtins `policy`'s module may call, as its `builtins` export names them. */
export function hostBuiltinNames(policy: LoadedPolicy): string[] {
  const { mem, wasmInstance } = policy as unknown as SliceInternals;
  const exports = wasmInstance?.exports;
  if (!mem || typeof exports?.builtins !== 'function' || typeof exports.opa_json_dump !== 'function') return [];
  const at = exports.opa_json_dump(exports.builtins());
  const bytes = new Uint8Array(mem.buffer);
  const end = bytes.indexOf(0, at);
  return Object.keys(JSON.parse(Buffer.from(bytes.subarray(at, end < 0 ? bytes.length : end)).toString('utf8')) as Record<string, number>);
}
