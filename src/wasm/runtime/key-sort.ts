import { malloc, heapMark, releaseTo } from './alloc';
import { T_STRING, tag, strLen, strPtr } from './value';
import { compareBytes } from './compare';

// Sorting many string keys. Comparing two keys through their slots means loading each key's
// value and then its bytes, two cache misses per side once the keys are spread over megabytes; a
// sort of millions of keys then spends nearly all its time waiting on memory. Here each slot gets a
// record holding eight bytes of its key (past the prefix all keys share, so that "user1234567" and
// "user1234589" differ in them), compared as one integer, and the slot's index. The records are
// sorted in place (quicksort, heapsort past a depth limit, so no input order is quadratic) and the
// slots then put in their order. Equal prefixes fall back to the whole keys, equal keys to the
// index, so the order is the stable one the merge sort in sorted-build.ts gives.

/** sortStringKeys' answers. */
export const KEYS_NOT_STRINGS: u32 = 0;
export const KEYS_DISTINCT: u32 = 1;
export const KEYS_REPEATED: u32 = 2;

// Below this many slots the merge sort is as fast and needs no records.
export const KEY_SORT_MIN: u32 = 64;
const RECORD: u32 = 12; // [u64 prefix, big-endian][u32 slot index]
const INSERTION_MAX: u32 = 16;

let slots: u32 = 0;
let width: u32 = 0;
let shared: u32 = 0;

@inline function keyAt(i: u32): u32 {
  return load<u32>(slots + i * width);
}

/** Eight bytes of the key from `shared` on, big-endian, zero-padded: orders as the bytes do. */
function prefixOf(key: u32): u64 {
  const len = strLen(key);
  const p = strPtr(key) + shared;
  const n = len - shared < 8 ? len - shared : 8;
  if (n == 8) return bswap<u64>(load<u64>(p));
  let x: u64 = 0;
  for (let i: u32 = 0; i < 8; i++) x = (x << 8) | (i < n ? <u64>load<u8>(p + i) : 0);
  return x;
}

/** Whether record `a` sorts before record `b`. */
@inline function before(a: u32, b: u32): bool {
  const pa = load<u64>(a);
  const pb = load<u64>(b);
  return pa != pb ? pa < pb : samePrefixBefore(a, b);
}

/** {@link before} for records whose prefixes are equal: the whole keys, then the indexes. */
function samePrefixBefore(a: u32, b: u32): bool {
  const ia = load<u32>(a, 8);
  const ib = load<u32>(b, 8);
  const ka = keyAt(ia);
  const kb = keyAt(ib);
  const c = compareBytes(strPtr(ka) + shared, strLen(ka) - shared, strPtr(kb) + shared, strLen(kb) - shared);
  return c != 0 ? c < 0 : ia < ib;
}

@inline function rec(base: u32, i: u32): u32 {
  return base + i * RECORD;
}

function swap(a: u32, b: u32): void {
  const p = load<u64>(a);
  const i = load<u32>(a, 8);
  store<u64>(a, load<u64>(b));
  store<u32>(a, load<u32>(b, 8), 8);
  store<u64>(b, p);
  store<u32>(b, i, 8);
}

function insertionSort(base: u32, lo: u32, hi: u32): void {
  for (let i = lo + 1; i < hi; i++) {
    for (let j = i; j > lo && before(rec(base, j), rec(base, j - 1)); j--) swap(rec(base, j), rec(base, j - 1));
  }
}

function siftDown(base: u32, lo: u32, root: u32, n: u32): void {
  while (true) {
    let child: u32 = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && before(rec(base, lo + child), rec(base, lo + child + 1))) child++;
    if (!before(rec(base, lo + root), rec(base, lo + child))) return;
    swap(rec(base, lo + root), rec(base, lo + child));
    root = child;
  }
}

function heapSort(base: u32, lo: u32, hi: u32): void {
  const n = hi - lo;
  for (let i = n >> 1; i > 0; i--) siftDown(base, lo, i - 1, n);
  for (let end = n - 1; end > 0; end--) {
    swap(rec(base, lo), rec(base, lo + end));
    siftDown(base, lo, 0, end);
  }
}

/** Sorts records [lo, hi); all are distinct (the index breaks ties). */
function introSort(base: u32, lo: u32, hi: u32, depth: u32): void {
  while (hi - lo > INSERTION_MAX) {
    if (depth == 0) {
      heapSort(base, lo, hi);
      return;
    }
    depth--;
    // Median of three moved to lo, then a Hoare partition around it.
    const mid = lo + ((hi - lo) >> 1);
    const last = hi - 1;
    if (before(rec(base, mid), rec(base, lo))) swap(rec(base, mid), rec(base, lo));
    if (before(rec(base, last), rec(base, lo))) swap(rec(base, last), rec(base, lo));
    if (before(rec(base, last), rec(base, mid))) swap(rec(base, last), rec(base, mid));
    swap(rec(base, lo), rec(base, mid));
    const pivot = rec(base, lo);
    let i = lo + 1;
    let j = last;
    while (true) {
      while (before(rec(base, i), pivot)) i++;
      while (before(pivot, rec(base, j))) j--;
      if (i >= j) break;
      swap(rec(base, i), rec(base, j));
      i++;
      j--;
    }
    swap(pivot, rec(base, j));
    // Recurse into the smaller side, loop on the larger: the stack stays O(log n).
    if (j - lo < hi - j - 1) {
      introSort(base, lo, j, depth);
      lo = j + 1;
    } else {
      introSort(base, j + 1, hi, depth);
      hi = j;
    }
  }
  insertionSort(base, lo, hi);
}

/**
 * Writes the slots in their records' order over the records (slot i's 8 bytes never reach past
 * record i, which has been read by then), then back over the slots.
 */
function reorder(base: u32, n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    const from = slots + load<u32>(rec(base, i), 8) * width;
    const to = base + i * width;
    if (width == 8) store<u64>(to, load<u64>(from));
    else store<u32>(to, load<u32>(from));
  }
  memory.copy(slots, base, n * width);
}

/** Length of the prefix every key shares, or -1 when a key is not a string. */
function sharedPrefix(n: u32): i32 {
  const first = keyAt(0);
  if (tag(first) != T_STRING) return -1;
  const p0 = strPtr(first);
  let common = strLen(first);
  for (let i: u32 = 1; i < n; i++) {
    const k = keyAt(i);
    if (tag(k) != T_STRING) return -1;
    const p = strPtr(k);
    const m = strLen(k) < common ? strLen(k) : common;
    let j: u32 = 0;
    while (j < m && load<u8>(p + j) == load<u8>(p0 + j)) j++;
    common = j;
  }
  return <i32>common;
}

/** Whether two neighbouring sorted records have equal keys. */
function anyRepeat(base: u32, n: u32): bool {
  for (let i: u32 = 1; i < n; i++) {
    const a = rec(base, i - 1);
    const b = rec(base, i);
    if (load<u64>(a) != load<u64>(b)) continue;
    const ka = keyAt(load<u32>(a, 8));
    const kb = keyAt(load<u32>(b, 8));
    if (strLen(ka) == strLen(kb) && memory.compare(strPtr(ka), strPtr(kb), strLen(ka)) == 0) return true;
  }
  return false;
}

/**
 * Sorts `n` slots of `w` bytes at `data` by their first word, stably, when every such word is a
 * string and there are enough of them to pay for records, and says whether two keys are equal;
 * returns KEYS_NOT_STRINGS (leaving the slots untouched) otherwise. Temporary records are freed
 * before it returns.
 */
export function sortStringKeys(data: u32, n: u32, w: u32): u32 {
  if (n < KEY_SORT_MIN) return KEYS_NOT_STRINGS;
  slots = data;
  width = w;
  const common = sharedPrefix(n);
  if (common < 0) return KEYS_NOT_STRINGS;
  shared = <u32>common;
  const mark = heapMark();
  const base = malloc(n * RECORD);
  for (let i: u32 = 0; i < n; i++) {
    const r = rec(base, i);
    store<u64>(r, prefixOf(keyAt(i)));
    store<u32>(r, i, 8);
  }
  introSort(base, 0, n, 2 * (32 - clz<u32>(n)));
  const repeated = anyRepeat(base, n);
  reorder(base, n);
  releaseTo(mark);
  return repeated ? KEYS_REPEATED : KEYS_DISTINCT;
}
