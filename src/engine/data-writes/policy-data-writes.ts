import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { DataWriteError } from '../errors.js';
import type { InstanceWrite } from './instance-writes.js';
import { internalsOf } from './sdk-internals.js';


interface DataExports {
  opa_malloc(size: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(addr: number): void;
  opa_value_add_path(base: number, path: number, value: number): number;
  opa_value_remove_path(base: number, path: number): number;
}

const encoder = new TextEncoder();

/** `text` parsed into the instance's memory; its address. */
function parsed(exports: DataExports, memory: { buffer: ArrayBuffer }, text: string): number {
  const bytes = encoder.encode(text);
  const addr = exports.opa_malloc(bytes.length);
  new Uint8Array(memory.buffer).set(bytes, addr);
  const value = exports.opa_json_parse(addr, bytes.length);
  if (value === 0) throw new DataWriteError('data_apply_failed', `the instance could not parse ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`);
  return value;
}

/**
 * Makes `writes` in a loaded policy's data in place, through OPA's Wasm ABI (`opa_value_add_path`,
 * `opa_value_remove_path`, values built with `opa_malloc` and `opa_json_parse`): no reload. The values
 * are allocated where evaluations start their heap, which then starts after them, so they outlive
 * every evaluation as `setData`'s data does. What they replace is not freed (the heap only grows):
 * a full reload gives it back.
 *
 * @throws DataWriteError `data_apply_failed` when the module lacks an export or refuses a write
 */
export function applyToPolicy(policy: LoadedPolicy, writes: readonly InstanceWrite[]): void {
  const internals = internalsOf(policy);
  const exports = internals.wasmInstance?.exports as unknown as Partial<DataExports> | undefined;
  const missing = ['opa_malloc', 'opa_json_parse', 'opa_heap_ptr_get', 'opa_heap_ptr_set', 'opa_value_add_path', 'opa_value_remove_path'].filter((name) => typeof exports?.[name as keyof DataExports] !== 'function');
  if (missing.length > 0 || typeof internals.dataHeapPtr !== 'number') throw new DataWriteError('data_apply_failed', `the policy module cannot be written in place: it lacks ${missing.join(', ') || 'the SDK fields'}`);
  const abi = exports as DataExports;
  abi.opa_heap_ptr_set(internals.dataHeapPtr);
  try {
    for (const write of writes) {
      const path = parsed(abi, internals.mem, JSON.stringify(write.path));
      const status = write.valueJson === undefined ? abi.opa_value_remove_path(internals.dataAddr, path) : abi.opa_value_add_path(internals.dataAddr, path, parsed(abi, internals.mem, write.valueJson));
      if (status !== 0) throw new DataWriteError('data_apply_failed', `the instance refused the write at ${JSON.stringify(write.path)} (status ${status})`);
    }
  } finally {
    // Even after a failure: what was allocated may already be referenced from the data.
    internals.dataHeapPtr = abi.opa_heap_ptr_get();
  }
}
