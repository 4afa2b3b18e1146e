import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';

/** The SDK's instance fields data writes reach (opa-wasm's LoadedPolicy; pinned by package-lock). */
export interface PolicyInternals {
  wasmInstance: { exports: Record<string, unknown> };
  mem: { buffer: ArrayBuffer };
  dataAddr: number;
  /** Where the heap starts for an evaluation: everything below it (the data) survives evaluations. */
  dataHeapPtr: number;
}

export function internalsOf(policy: LoadedPolicy): PolicyInternals {
  return policy as unknown as PolicyInternals;
}
