import {
  T_INT, T_STRING, T_ARRAY, T_OBJECT, T_SET, tag, collLen, collData, arrayGet, setGet, objKey, objVal,
  makeCollection,
  makeInt, makeArray, makeObject, makeSet, arrayPush, strLen, strPtr, boolValue, nullValue,
  T_REF, intOf, makeString,
} from './value';
import {
  objectGet, objectInsert, objectAppend, objectAppendOnce, insertOnce, setAdd, setAppend, setContains,
  copyCollection, finishCollection,
} from './collections';
import { toInt, formatInt } from './number';
import { valuesEqual, compareValues } from './compare';
import { rt_conflict } from './errors';
import { burn } from './fuel';

// Helpers behind the plan IR's statements. Every function takes and returns value pointers;
// 0 is "undefined", which makes the statement fail.

const okCell = memory.data(8);

export function rt_make_null(): u32 {
  return nullValue();
}

export function rt_make_bool(b: u32): u32 {
  return boolValue(b != 0);
}

export function rt_make_int(n: i64): u32 {
  return makeInt(n);
}

export function rt_make_array(cap: u32): u32 {
  return makeArray(cap);
}

export function rt_make_object(): u32 {
  return makeObject();
}

export function rt_make_set(): u32 {
  return makeSet();
}

export function rt_array_append(arr: u32, v: u32): void {
  arrayPush(arr, v);
}

/** ObjectInsertStmt: builds an object (comprehensions, rule values); sorted once when read. */
export function rt_object_insert(obj: u32, k: u32, v: u32): void {
  objectAppend(obj, k, v);
}

/** Upsert keeping the object sorted at once, for objects read between inserts (memo caches). */
export function rt_object_upsert(obj: u32, k: u32, v: u32): void {
  objectInsert(obj, k, v);
}

/** Add keeping the set sorted at once: the per-entry path (what setAppend must agree with). */
export function rt_set_insert(set: u32, v: u32): void {
  setAdd(set, v);
}

export function rt_object_insert_once(obj: u32, k: u32, v: u32): void {
  insertOnce(obj, k, v);
}

/** ObjectInsertOnceStmt inside a statement after which the code calls rt_finish_object. */
export function rt_object_append_once(obj: u32, k: u32, v: u32): void {
  objectAppendOnce(obj, k, v);
}

/** Sorts an object built by appends now, raising a conflict found among its keys. */
export function rt_finish_object(obj: u32): void {
  if (obj != 0) finishCollection(obj);
}

/** SetAddStmt: builds a set (comprehensions, partial set rules); sorted once when read. */
export function rt_set_add(set: u32, v: u32): void {
  setAppend(set, v);
}

export function rt_equal(a: u32, b: u32): u32 {
  return valuesEqual(a, b) ? 1 : 0;
}

export function rt_is_array(v: u32): u32 {
  return tag(v) == T_ARRAY ? 1 : 0;
}

export function rt_is_object(v: u32): u32 {
  return tag(v) == T_OBJECT ? 1 : 0;
}

export function rt_is_set(v: u32): u32 {
  return tag(v) == T_SET ? 1 : 0;
}

/** AssignVarOnce on a defined target: same value is a no-op, another is a conflict. */
export function rt_assign_once_check(current: u32, next: u32, kind: u32): void {
  if (!valuesEqual(current, next)) rt_conflict(kind);
}

export function rt_dot(src: u32, key: u32): u32 {
  const t = tag(src);
  if (t == T_OBJECT) return objectGet(src, key);
  if (t == T_ARRAY) {
    const kt = tag(key);
    if (kt != T_INT && kt != 4) return 0;
    const i = toInt(key, okCell);
    if (load<u32>(okCell) == 0 || i < 0 || i >= <i64>collLen(src)) return 0;
    return arrayGet(src, <u32>i);
  }
  if (t == T_SET) return setContains(src, key) ? key : 0;
  return 0;
}

const dataKeyLen = memory.data(8);

/**
 * `rt_dot` on a document reached from `data` by lookups: a number key also finds the key that is its
 * text, as OPA reads base documents by storage path (numbers become their text), so
 * `data.users[input.id]` with `input.id` 123 finds `"123"`.
 */
export function rt_dot_data(src: u32, key: u32): u32 {
  const found = rt_dot(src, key);
  if (found != 0 || tag(src) != T_OBJECT) return found;
  const kt = tag(key);
  if (kt == T_INT) {
    const p = formatInt(intOf(key), dataKeyLen);
    return objectGet(src, makeString(p, load<u32>(dataKeyLen)));
  }
  if (kt == T_REF) return objectGet(src, makeString(load<u32>(key, 8), load<u32>(key, 4)));
  return 0;
}

export function countCodePoints(p: u32, n: u32): u32 {
  let count: u32 = 0;
  for (let i: u32 = 0; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) count++;
  return count;
}

export function rt_len(v: u32): u32 {
  const t = tag(v);
  if (t == T_ARRAY || t == T_OBJECT || t == T_SET) return makeInt(collLen(v));
  if (t == T_STRING) return makeInt(countCodePoints(strPtr(v), strLen(v)));
  return 0;
}

export function rt_iter_count(v: u32): u32 {
  const t = tag(v);
  return t == T_ARRAY || t == T_OBJECT || t == T_SET ? collLen(v) : 0;
}

export function rt_iter_key(v: u32, i: u32): u32 {
  // Every iteration of a policy's loops comes here once (see plan-codegen's scan).
  burn(1);
  const t = tag(v);
  if (t == T_ARRAY) return makeInt(i);
  if (t == T_OBJECT) return objKey(v, i);
  return setGet(v, i);
}

export function rt_iter_value(v: u32, i: u32): u32 {
  const t = tag(v);
  if (t == T_ARRAY) return arrayGet(v, i);
  if (t == T_OBJECT) return objVal(v, i);
  return setGet(v, i);
}

/** `with` on part of a document: a copy of `base` with `value` at `path` (an array of keys). */
export function rt_with_upsert(base: u32, path: u32, value: u32): u32 {
  return upsertAt(base, path, 0, value);
}

function upsertAt(base: u32, path: u32, depth: u32, value: u32): u32 {
  if (depth == collLen(path)) return value;
  const obj = base != 0 && tag(base) == T_OBJECT ? copyCollection(base) : makeObject();
  const key = arrayGet(path, depth);
  const child = objectGet(obj, key);
  objectInsert(obj, key, upsertAt(child, path, depth + 1, value));
  return obj;
}

/** Recursive merge of two objects; on a clash of non-objects the first wins. */
export function rt_object_merge(a: u32, b: u32): u32 {
  if (a == 0) return b;
  if (b == 0) return a;
  if (tag(a) != T_OBJECT || tag(b) != T_OBJECT) return a;
  // One merge of the two sorted key lists; a clash keeps a's key, as an upsert into a copy would.
  const la = collLen(a);
  const lb = collLen(b);
  const out = makeCollection(T_OBJECT, la + lb, 8);
  let n: u32 = 0;
  let i: u32 = 0;
  let j: u32 = 0;
  while (i < la || j < lb) {
    const c = i == la ? 1 : j == lb ? -1 : compareValues(objKey(a, i), objKey(b, j));
    let k: u32;
    let v: u32;
    if (c < 0) {
      k = objKey(a, i);
      v = objVal(a, i);
      i++;
    } else if (c > 0) {
      k = objKey(b, j);
      v = objVal(b, j);
      j++;
    } else {
      k = objKey(a, i);
      v = objVal(a, i);
      const bv = objVal(b, j);
      if (tag(v) == T_OBJECT && tag(bv) == T_OBJECT) v = rt_object_merge(v, bv);
      i++;
      j++;
    }
    const at = collData(out) + (n << 3);
    store<u32>(at, k);
    store<u32>(at, v, 4);
    n++;
  }
  store<u32>(out, n, 4);
  return out;
}
