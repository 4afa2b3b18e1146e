import { malloc, initHeap, opa_heap_ptr_set } from './alloc';
import { makeSet, T_OBJECT, T_ARRAY, tag, collLen, arrayGet, makeObject } from './value';
import { setAppend, objectGet, objectInsert, objectRemove } from './collections';
import { setStrictErrors, abortWith } from './errors';
import { newBuf, bufLiteral, Buf } from './buffer';
import { parseText } from './json-parse';
import { dumpValue } from './json-dump';

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 3;

/** Called once from the module's start function, after the policy's constants are in memory. */
export function rt_init(heapStart: u32, strict: u32): void {
  initHeap(heapStart);
  setStrictErrors(strict != 0);
}

/** First half of `opa_eval`: resets the heap, parses the input; returns the input (0 = undefined). */
export function rt_eval_begin(inputPtr: u32, inputLen: u32, heapPtr: u32): u32 {
  opa_heap_ptr_set(heapPtr);
  if (inputLen == 0) return 0;
  // Rego term syntax is a superset of JSON, so inputs may also carry sets.
  const v = parseText(inputPtr, inputLen, true, false);
  if (v == 0) abortWith(cstrBuf('eval_input_error: input is not valid JSON'));
  return v;
}

export function rt_result_set(): u32 {
  return makeSet();
}

export function rt_result_add(rs: u32, v: u32): void {
  setAppend(rs, v);
}

export function rt_dump(v: u32, format: u32): u32 {
  return dumpValue(v, format == 1);
}

// Legacy evaluation context: [input][data][entrypoint][result]
export function opa_eval_ctx_new(): u32 {
  const ctx = malloc(16);
  store<u32>(ctx, 0);
  store<u32>(ctx, 0, 4);
  store<u32>(ctx, 0, 8);
  store<u32>(ctx, 0, 12);
  return ctx;
}

export function opa_eval_ctx_set_input(ctx: u32, v: u32): void {
  store<u32>(ctx, v);
}

export function opa_eval_ctx_set_data(ctx: u32, v: u32): void {
  store<u32>(ctx, v, 4);
}

export function opa_eval_ctx_set_entrypoint(ctx: u32, id: u32): void {
  store<u32>(ctx, id, 8);
}

export function opa_eval_ctx_get_result(ctx: u32): u32 {
  return load<u32>(ctx, 12);
}

export function rt_ctx_input(ctx: u32): u32 {
  return load<u32>(ctx);
}

export function rt_ctx_data(ctx: u32): u32 {
  return load<u32>(ctx, 4);
}

export function rt_ctx_entrypoint(ctx: u32): u32 {
  return load<u32>(ctx, 8);
}

export function rt_ctx_set_result(ctx: u32, rs: u32): void {
  store<u32>(ctx, rs, 12);
}

/** Upserts `value` at `path` (an array of keys) in `base`, creating objects on the way. */
export function opa_value_add_path(base: u32, path: u32, value: u32): u32 {
  if (base == 0 || tag(base) != T_OBJECT) return 2;
  if (path == 0 || tag(path) != T_ARRAY) return 3;
  const n = collLen(path);
  if (n == 0) return 3;
  let cur = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    const k = arrayGet(path, i);
    let next = objectGet(cur, k);
    if (next == 0) {
      next = makeObject();
      objectInsert(cur, k, next);
    } else if (tag(next) != T_OBJECT) return 3;
    cur = next;
  }
  objectInsert(cur, arrayGet(path, n - 1), value);
  return 0;
}

export function opa_value_remove_path(base: u32, path: u32): u32 {
  if (base == 0 || tag(base) != T_OBJECT) return 2;
  if (path == 0 || tag(path) != T_ARRAY) return 3;
  const n = collLen(path);
  if (n == 0) return 3;
  let cur = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    const next = objectGet(cur, arrayGet(path, i));
    if (next == 0 || tag(next) != T_OBJECT) return 0;
    cur = next;
  }
  objectRemove(cur, arrayGet(path, n - 1));
  return 0;
}

export function opa_value_free(_v: u32): void {}

/**
 * Warden's data writes read the few values a write touches through these, instead of dumping the
 * whole data document: the value at `path` (an array of keys) under `base`, walking objects only
 * (0 when absent or when the walk meets anything else), and a value's type tag (0 for none).
 */
export function warden_value_get_path(base: u32, path: u32): u32 {
  if (path == 0 || tag(path) != T_ARRAY) return 0;
  const n = collLen(path);
  let cur = base;
  for (let i: u32 = 0; i < n; i++) {
    if (cur == 0 || tag(cur) != T_OBJECT) return 0;
    cur = objectGet(cur, arrayGet(path, i));
  }
  return cur;
}

export function warden_value_type(v: u32): u32 {
  return v == 0 ? 0 : tag(v);
}

function cstrBuf(s: string): Buf {
  const b = newBuf(64);
  bufLiteral(b, s);
  return b;
}
