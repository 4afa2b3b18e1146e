import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { internalsOf } from './sdk-internals.js';
import { canonicalCopy } from '../canonical-json.js';
import { parseJsonExact } from '../exact-json.js';

/** What a data write needs to know of an instance's data at a path. */
export interface DataReader {
  /** `object` (walked into, member by member), `value` (read whole), or `absent`. */
  kind(path: readonly string[]): 'object' | 'value' | 'absent';
  /** The value at `path` as JSON (only called where {@link kind} is not `absent`). */
  read(path: readonly string[]): unknown;
}


interface ReadExports {
  opa_malloc(size: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_json_dump(value: number): number;
  opa_heap_ptr_set(addr: number): void;
  warden_value_get_path(base: number, path: number): number;
  warden_value_type(value: number): number;
}

/** The runtime's type tags (src/wasm/runtime/value.ts). */
const T_OBJECT = 7;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function dumped(exports: ReadExports, memory: { buffer: ArrayBuffer }, value: number): unknown {
  const at = exports.opa_json_dump(value);
  const bytes = new Uint8Array(memory.buffer);
  const end = bytes.indexOf(0, at);
  return parseJsonExact(decoder.decode(bytes.subarray(at, end)));
}

/**
 * Reads an instance's data where a write touches it. Warden's own modules export
 * `warden_value_get_path` and `warden_value_type`, so only those values are read; a module OPA built
 * lacks them, and its whole data document is read once instead (slow for large data, but correct).
 * Reads allocate above the data and are dropped by the next evaluation or write.
 */
export function instanceDataReader(policy: LoadedPolicy): DataReader {
  const internals = internalsOf(policy);
  const exports = internals.wasmInstance.exports as unknown as Partial<ReadExports>;
  if (typeof exports.warden_value_get_path !== 'function' || typeof exports.warden_value_type !== 'function') {
    return objectReader(dumped(exports as ReadExports, internals.mem, internals.dataAddr));
  }
  const abi = exports as ReadExports;
  const valueAt = (path: readonly string[]): number => {
    abi.opa_heap_ptr_set(internals.dataHeapPtr);
    if (path.length === 0) return internals.dataAddr;
    const text = encoder.encode(JSON.stringify(path));
    const addr = abi.opa_malloc(text.length);
    new Uint8Array(internals.mem.buffer).set(text, addr);
    return abi.warden_value_get_path(internals.dataAddr, abi.opa_json_parse(addr, text.length));
  };
  return {
    kind(path) {
      const type = abi.warden_value_type(valueAt(path));
      return type === 0 ? 'absent' : type === T_OBJECT ? 'object' : 'value';
    },
    read(path) {
      const value = valueAt(path);
      return value === 0 ? undefined : dumped(abi, internals.mem, value);
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A {@link DataReader} over a JSON value already in memory. */
export function objectReader(root: unknown): DataReader {
  const at = (path: readonly string[]): unknown => {
    let current = root;
    for (const key of path) {
      if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
      current = current[key];
    }
    return current;
  };
  return {
    kind: (path) => {
      const value = at(path);
      return value === undefined ? 'absent' : isObject(value) ? 'object' : 'value';
    },
    read: (path) => canonicalCopy(at(path)),
  };
}
