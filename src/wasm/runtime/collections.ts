import {
  T_ARRAY, T_OBJECT, T_SET, tag, collLen, collData, objKey, objVal, setGet, reserve,
  makeCollection, arrayPush, arrayGet,
} from './value';
import { compareValues } from './compare';

// Objects and sets keep their entries sorted in Rego order, so lookups are binary searches and
// iteration, comparison and dumping need no sorting. Appending in order (the common case) is O(1).

/** Index of `key` if present; otherwise -(insertion point) - 1. */
export function searchKeys(coll: u32, key: u32, width: u32): i32 {
  const data = collData(coll);
  let lo: i32 = 0;
  let hi: i32 = <i32>collLen(coll) - 1;
  if (hi >= 0) {
    // Fast path for in-order appends.
    const c = compareValues(load<u32>(data + <u32>hi * width), key);
    if (c < 0) return -(hi + 1) - 1;
    if (c == 0) return hi;
    hi--;
  }
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareValues(load<u32>(data + <u32>mid * width), key);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

function insertAt(coll: u32, pos: u32, width: u32): u32 {
  reserve(coll, width);
  const len = collLen(coll);
  const data = collData(coll);
  const at = data + pos * width;
  if (pos < len) memory.copy(at + width, at, (len - pos) * width);
  store<u32>(coll, len + 1, 4);
  return at;
}

export function objectGet(obj: u32, key: u32): u32 {
  const i = searchKeys(obj, key, 8);
  return i < 0 ? 0 : objVal(obj, <u32>i);
}

/** Upsert. */
export function objectInsert(obj: u32, key: u32, value: u32): void {
  const i = searchKeys(obj, key, 8);
  if (i >= 0) {
    store<u32>(collData(obj) + (<u32>i << 3) + 4, value);
    return;
  }
  const at = insertAt(obj, <u32>(-i - 1), 8);
  store<u32>(at, key);
  store<u32>(at, value, 4);
}

/** Removes a key; returns whether it was present. */
export function objectRemove(obj: u32, key: u32): bool {
  const i = searchKeys(obj, key, 8);
  if (i < 0) return false;
  const len = collLen(obj);
  const at = collData(obj) + (<u32>i << 3);
  memory.copy(at, at + 8, (len - <u32>i - 1) << 3);
  store<u32>(obj, len - 1, 4);
  return true;
}

export function setContains(set: u32, item: u32): bool {
  return searchKeys(set, item, 4) >= 0;
}

export function setAdd(set: u32, item: u32): void {
  const i = searchKeys(set, item, 4);
  if (i >= 0) return;
  const at = insertAt(set, <u32>(-i - 1), 4);
  store<u32>(at, item);
}

/** Appends an entry known to sort after every existing key (JSON parse sorts first, then appends). */
export function objectAppendSorted(obj: u32, key: u32, value: u32): void {
  reserve(obj, 8);
  const len = collLen(obj);
  const at = collData(obj) + (len << 3);
  store<u32>(at, key);
  store<u32>(at, value, 4);
  store<u32>(obj, len + 1, 4);
}

export function copyCollection(v: u32): u32 {
  const t = tag(v);
  const len = collLen(v);
  const width: u32 = t == T_OBJECT ? 8 : 4;
  const r = makeCollection(t, len, width);
  memory.copy(collData(r), collData(v), len * width);
  store<u32>(r, len, 4);
  return r;
}

export { arrayPush, arrayGet, setGet, objKey };
