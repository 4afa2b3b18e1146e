import { malloc, heapMark, releaseTo } from './alloc';
import { sortStringKeys, KEYS_NOT_STRINGS, KEYS_REPEATED } from './key-sort';
import {
  T_OBJECT, T_SET, tag, collLen, rawLen, collData, clearUnsorted, isOnce, sortedLen, makeCollection,
} from './value';
import { compareValues, valuesEqual } from './compare';
import { rt_conflict } from './errors';

// Building a sorted vector in one go. Inserting entries one at a time into a sorted vector costs a
// memmove per entry, O(n²) when they arrive out of order (40k keys in descending order: ~150 ms).
// Builders append instead and sort once: a natural merge sort, stable, so among equal keys the
// first appended comes first, and runs already in order (ascending, or strictly descending and
// reversed) cost one comparison per entry. Equal keys are then collapsed with the semantics of
// the per-entry path: a set keeps the first element, an object the first key and the last value.

// Runs shorter than this are extended by binary insertion sort, which is cheaper than merging.
const MIN_RUN: u32 = 16;
const slotCell = memory.data(8);

@inline function keyAt(data: u32, i: u32, width: u32): u32 {
  return load<u32>(data + i * width);
}

@inline function copySlot(dst: u32, src: u32, width: u32): void {
  if (width == 8) store<u64>(dst, load<u64>(src));
  else store<u32>(dst, load<u32>(src));
}

function reverseSlots(data: u32, lo: u32, hi: u32, width: u32): void {
  let i = lo;
  let j = hi - 1;
  while (i < j) {
    const a = data + i * width;
    const b = data + j * width;
    if (width == 8) {
      const t = load<u64>(a);
      store<u64>(a, load<u64>(b));
      store<u64>(b, t);
    } else {
      const t = load<u32>(a);
      store<u32>(a, load<u32>(b));
      store<u32>(b, t);
    }
    i++;
    j--;
  }
}

/** End (exclusive) of the run starting at `lo`; a strictly descending run is reversed in place. */
function runEnd(data: u32, lo: u32, n: u32, width: u32): u32 {
  let hi = lo + 1;
  if (hi >= n) return n;
  if (compareValues(keyAt(data, hi, width), keyAt(data, hi - 1, width)) < 0) {
    hi++;
    while (hi < n && compareValues(keyAt(data, hi, width), keyAt(data, hi - 1, width)) < 0) hi++;
    // Strictly descending: no two entries are equal, so reversing keeps the sort stable.
    reverseSlots(data, lo, hi, width);
  } else {
    hi++;
    while (hi < n && compareValues(keyAt(data, hi, width), keyAt(data, hi - 1, width)) >= 0) hi++;
  }
  return hi;
}

/** Sorts [lo, end) given that [lo, sorted) is sorted; each entry goes after the equal ones. */
function insertionSort(data: u32, lo: u32, sorted: u32, end: u32, width: u32): void {
  const tmp = slotCell;
  for (let i = sorted; i < end; i++) {
    const k = keyAt(data, i, width);
    let a = lo;
    let b = i;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (compareValues(k, keyAt(data, mid, width)) < 0) b = mid;
      else a = mid + 1;
    }
    if (a == i) continue;
    copySlot(tmp, data + i * width, width);
    memory.copy(data + (a + 1) * width, data + a * width, (i - a) * width);
    copySlot(data + a * width, tmp, width);
  }
}

/** Stable merge of src[lo, mid) and src[mid, hi) into dst[lo, hi). */
function mergeRuns(src: u32, dst: u32, lo: u32, mid: u32, hi: u32, width: u32): void {
  if (mid == hi || compareValues(keyAt(src, mid - 1, width), keyAt(src, mid, width)) <= 0) {
    memory.copy(dst + lo * width, src + lo * width, (hi - lo) * width);
    return;
  }
  let i = lo;
  let j = mid;
  let o = dst + lo * width;
  while (i < mid && j < hi) {
    if (compareValues(keyAt(src, j, width), keyAt(src, i, width)) < 0) {
      copySlot(o, src + j * width, width);
      j++;
    } else {
      copySlot(o, src + i * width, width);
      i++;
    }
    o += width;
  }
  if (i < mid) memory.copy(o, src + i * width, (mid - i) * width);
  else if (j < hi) memory.copy(o, src + j * width, (hi - j) * width);
}

/**
 * Sorts `n` slots of `width` bytes (4: a value; 8: a key and a value) at `data` by the value in
 * each slot's first word, stably, in Rego order. Many strings go to key-sort.ts; this merge sort
 * takes the rest. Returns false when no two slots can be equal. Leaves its buffers on the heap:
 * callers free them (see sortCollection).
 */
export function sortSlots(data: u32, n: u32, width: u32): bool {
  if (n < 2) return false;
  const byKey = sortStringKeys(data, n, width);
  if (byKey != KEYS_NOT_STRINGS) return byKey == KEYS_REPEATED;
  // Run boundaries: starts[0..count), then n.
  let starts = malloc((n + 1) << 2);
  let count: u32 = 0;
  let lo: u32 = 0;
  while (lo < n) {
    let end = runEnd(data, lo, n, width);
    const forced = lo + MIN_RUN < n ? lo + MIN_RUN : n;
    if (end < forced) {
      insertionSort(data, lo, end, forced, width);
      end = forced;
    }
    store<u32>(starts + (count << 2), lo);
    count++;
    lo = end;
  }
  if (count == 1) return true;
  store<u32>(starts + (count << 2), n);
  let src = data;
  let dst = malloc(n * width);
  let next = malloc((count + 1) << 2);
  while (count > 1) {
    let merged: u32 = 0;
    for (let r: u32 = 0; r < count; r += 2) {
      const a = load<u32>(starts + (r << 2));
      const m = load<u32>(starts + ((r + 1) << 2));
      const b = r + 2 <= count ? load<u32>(starts + ((r + 2) << 2)) : m;
      mergeRuns(src, dst, a, m, b, width);
      store<u32>(next + (merged << 2), a);
      merged++;
    }
    store<u32>(next + (merged << 2), n);
    const t = src;
    src = dst;
    dst = t;
    const s = starts;
    starts = next;
    next = s;
    count = merged;
  }
  if (src != data) memory.copy(data, src, n * width);
  return true;
}

/**
 * Collapses runs of equal keys in sorted slots: a set keeps the first element, an object the
 * first key with the last value (as repeated upserts would), or with `once` the first value, and
 * a different value for the same key is a conflict (as ObjectInsertOnceStmt's). Returns the new
 * count.
 */
export function dedupeSlots(data: u32, n: u32, width: u32, once: bool): u32 {
  if (n < 2) return n;
  let out: u32 = 0;
  for (let i: u32 = 1; i < n; i++) {
    const at = data + i * width;
    if (compareValues(keyAt(data, out, width), load<u32>(at)) == 0) {
      if (width == 8) {
        if (!once) store<u32>(data + out * width, load<u32>(at, 4), 4);
        else if (!valuesEqual(load<u32>(data + out * width, 4), load<u32>(at, 4))) rt_conflict(2);
      }
      continue;
    }
    out++;
    if (out != i) copySlot(data + out * width, at, width);
  }
  return out + 1;
}

/**
 * Restores the sorted, duplicate-free form of a set or object whose entries were appended: sorts
 * the appended entries, merges them after the sorted ones (so those come first among equals) and
 * collapses repeats. When at least an eighth of the appended entries were repeats, later appends
 * look their key up among the sorted entries first (LOOKUP), so that many repeats of a few keys
 * cost a binary search each rather than sorting.
 */
export function sortCollection(v: u32): void {
  // Everything allocated from here on is scratch (comparisons allocate nothing that outlives them).
  const mark = heapMark();
  const once = isOnce(v);
  const p = sortedLen(v);
  clearUnsorted(v, false);
  const width: u32 = tag(v) == T_OBJECT ? 8 : 4;
  const data = collData(v);
  const n = rawLen(v);
  // Repeats are looked for only where they may be: the key sort knows when there are none.
  let mayRepeat = sortSlots(data + p * width, n - p, width);
  if (p > 0 && p < n) {
    mayRepeat = true;
    if (compareValues(keyAt(data, p - 1, width), keyAt(data, p, width)) > 0) {
      const merged = malloc(n * width);
      mergeRuns(data, merged, 0, p, n, width);
      memory.copy(data, merged, n * width);
    }
  }
  const m = mayRepeat ? dedupeSlots(data, n, width, once) : n;
  releaseTo(mark);
  store<u32>(v, m, 4);
  const repeats = n - m;
  clearUnsorted(v, repeats > 0 && repeats * 8 >= n - p);
}

/** The union of two sets by one merge of their sorted elements (an element of `a` wins a tie). */
export function mergeSets(a: u32, b: u32): u32 {
  const la = collLen(a);
  const lb = collLen(b);
  const out = makeCollection(T_SET, la + lb, 4);
  const pa = collData(a);
  const pb = collData(b);
  let o = collData(out);
  let i: u32 = 0;
  let j: u32 = 0;
  while (i < la && j < lb) {
    const x = load<u32>(pa + (i << 2));
    const y = load<u32>(pb + (j << 2));
    const c = compareValues(x, y);
    if (c <= 0) {
      store<u32>(o, x);
      i++;
      if (c == 0) j++;
    } else {
      store<u32>(o, y);
      j++;
    }
    o += 4;
  }
  if (i < la) {
    memory.copy(o, pa + (i << 2), (la - i) << 2);
    o += (la - i) << 2;
  } else if (j < lb) {
    memory.copy(o, pb + (j << 2), (lb - j) << 2);
    o += (lb - j) << 2;
  }
  store<u32>(out, (o - collData(out)) >> 2, 4);
  return out;
}
