import {
  T_OBJECT, tag, collLen, rawLen, collCap, collData, objKey, objVal, setGet, reserve,
  makeCollection, arrayPush, arrayGet, isUnsorted, isOnce, markUnsorted, sortedLen, lookupFirst,
} from './value';
import { compareValues, valuesEqual } from './compare';
import { rt_conflict } from './errors';
import { sortCollection } from './sorted-build';

// Objects and sets keep their entries sorted in Rego order, so lookups are binary searches and
// iteration, comparison and dumping need no sorting. Appending in order (the common case) is O(1).
// objectInsert and setAdd keep that order on every call (O(n) memmove when out of order), for
// incremental updates; builders of a whole collection use objectAppend and setAppend, which
// sort once when the collection is next read (see sorted-build.ts).

// Below this many entries the per-entry insert is cheaper than a later sort.
const SMALL: u32 = 16;

/** Index of `key` if present; otherwise -(insertion point) - 1. */
export function searchKeys(coll: u32, key: u32, width: u32): i32 {
  return searchSorted(collData(coll), collLen(coll), key, width);
}

/** searchKeys over the first `n` slots at `data`, which are in order. */
function searchSorted(data: u32, n: u32, key: u32, width: u32): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>n - 1;
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
  const len = rawLen(coll);
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

/**
 * Upsert while building an object: same result as {@link objectInsert} once the object is read,
 * but O(1) per entry; out-of-order keys leave it unsorted until then (one O(n log n) sort).
 */
export function objectAppend(obj: u32, key: u32, value: u32): void {
  appendEntry(obj, key, value, false);
}

/**
 * ObjectInsertOnceStmt while building an object: a key already present with another value is a
 * conflict, found here for in-order keys and otherwise when the object is next sorted (the
 * generated code finishes the object right after the statement that builds it).
 */
export function objectAppendOnce(obj: u32, key: u32, value: u32): void {
  appendEntry(obj, key, value, true);
}

/**
 * Whether an unsorted collection should be sorted before it grows: a full one is sorted (and
 * deduplicated) so that many repeats of few keys take no more memory and no more sorting than the
 * distinct keys need. Sorting at each doubling adds O(n) comparisons in all, as the sorted prefix
 * is one run.
 */
@inline function compactBeforeGrowing(v: u32): bool {
  return isUnsorted(v) && rawLen(v) == collCap(v);
}

function appendEntry(obj: u32, key: u32, value: u32, once: bool): void {
  if (compactBeforeGrowing(obj) || (isUnsorted(obj) && isOnce(obj) != once)) sortCollection(obj);
  const len = rawLen(obj);
  if (!isUnsorted(obj)) {
    if (len < SMALL) {
      if (once) insertOnce(obj, key, value);
      else objectInsert(obj, key, value);
      return;
    }
    const c = compareValues(load<u32>(collData(obj) + ((len - 1) << 3)), key);
    if (c == 0) {
      repeatEntry(obj, <u32>len - 1, value, once);
      return;
    }
    if (c > 0) {
      if (lookupFirst(obj) && repeatInSorted(obj, len, key, value, once)) return;
      markUnsorted(obj, once);
    }
  } else if (lookupFirst(obj) && repeatInSorted(obj, sortedLen(obj), key, value, once)) return;
  reserve(obj, 8);
  const at = collData(obj) + (len << 3);
  store<u32>(at, key);
  store<u32>(at, value, 4);
  store<u32>(obj, len + 1, 4);
}

/** A key given again: an upsert takes the new value; insert-once wants the same value. */
function repeatEntry(obj: u32, i: u32, value: u32, once: bool): void {
  const at = collData(obj) + (i << 3);
  if (!once) store<u32>(at, value, 4);
  else if (!valuesEqual(load<u32>(at, 4), value)) rt_conflict(2);
}

/** Handles `key` as a repeat if it is among the first `n` (sorted) entries. */
function repeatInSorted(obj: u32, n: u32, key: u32, value: u32, once: bool): bool {
  const i = searchSorted(collData(obj), n, key, 8);
  if (i < 0) return false;
  repeatEntry(obj, <u32>i, value, once);
  return true;
}

/** The per-entry ObjectInsertOnceStmt: the same value again is a no-op, another a conflict. */
export function insertOnce(obj: u32, key: u32, value: u32): void {
  const existing = objectGet(obj, key);
  if (existing != 0) {
    if (!valuesEqual(existing, value)) rt_conflict(2);
    return;
  }
  objectInsert(obj, key, value);
}

/**
 * Appends a key and value to an object made unsorted while empty (markUnsorted), comparing
 * nothing: for a builder that appends every entry and then calls finishCollection before the
 * object is read (the JSON parser), so that all ordering and repeats are settled by one sort.
 */
export function objectAppendUnchecked(obj: u32, key: u32, value: u32): void {
  reserve(obj, 8);
  const len = rawLen(obj);
  const at = collData(obj) + (len << 3);
  store<u32>(at, key);
  store<u32>(at, value, 4);
  store<u32>(obj, len + 1, 4);
}

/** Add while building a set: {@link setAdd}'s result once the set is read, O(1) per element. */
export function setAppend(set: u32, item: u32): void {
  if (compactBeforeGrowing(set)) sortCollection(set);
  const len = rawLen(set);
  if (!isUnsorted(set)) {
    if (len < SMALL) {
      setAdd(set, item);
      return;
    }
    const c = compareValues(load<u32>(collData(set) + ((len - 1) << 2)), item);
    if (c == 0) return;
    if (c > 0) {
      if (lookupFirst(set) && searchSorted(collData(set), len, item, 4) >= 0) return;
      markUnsorted(set, false);
    }
  } else if (lookupFirst(set) && searchSorted(collData(set), sortedLen(set), item, 4) >= 0) return;
  reserve(set, 4);
  store<u32>(collData(set) + (len << 2), item);
  store<u32>(set, len + 1, 4);
}

/** Sorts a collection built by appends now rather than at its first read. */
export function finishCollection(v: u32): u32 {
  if (isUnsorted(v)) sortCollection(v);
  return v;
}

/** A copy of `v`; with `as` T_ARRAY, an array of a set's (or array's) elements in their order. */
export function copyCollection(v: u32, as: u32 = 0): u32 {
  const t = tag(v);
  const len = collLen(v);
  const width: u32 = t == T_OBJECT ? 8 : 4;
  const r = makeCollection(as != 0 ? as : t, len, width);
  memory.copy(collData(r), collData(v), len * width);
  store<u32>(r, len, 4);
  return r;
}

export { arrayPush, arrayGet, setGet, objKey };
