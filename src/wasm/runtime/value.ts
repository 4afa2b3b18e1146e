import { malloc } from './alloc';
import { sortCollection } from './sorted-build';

// Value layout (all little-endian, 4-byte aligned, pointer 0 = undefined):
//   NULL   [tag]
//   BOOL   [tag][i32 value]
//   INT    [tag][pad][i64 value]
//   REF    [tag][u32 len][u32 textPtr]            exact decimal text of a number
//   STRING [tag][u32 byteLen][u32 bytesPtr][i32 codePoints or -1]
//   ARRAY  [tag][u32 len][u32 cap][u32 elemsPtr]
//   OBJECT [tag][u32 len][u32 cap][u32 pairsPtr][u32 sorted]  pairs sorted by key in Rego order
//   SET    [tag][u32 len][u32 cap][u32 elemsPtr][u32 sorted]  elements sorted in Rego order
// A set or object being built may have entries appended out of order; the top bit of `cap`
// (UNSORTED) then says so, `sorted` how many leading entries are still in order, and collLen,
// which every reader calls first, sorts it once. The next bit (ONCE) says the appends were
// ObjectInsertOnceStmt's: equal keys with different values are then a conflict, found when
// sorting. The third (LOOKUP) says the last sort found many repeats, so appends look for their
// key among the sorted entries first.
// The compiler writes STRING, INT and REF constants into the data segment with this layout.
export const T_NULL: u32 = 1;
export const T_BOOL: u32 = 2;
export const T_INT: u32 = 3;
export const T_REF: u32 = 4;
export const T_STRING: u32 = 5;
export const T_ARRAY: u32 = 6;
export const T_OBJECT: u32 = 7;
export const T_SET: u32 = 8;

// Returned by a native builtin that leaves the call to the host implementation.
export const DEFER: u32 = 0xffffffff;

@inline export function tag(v: u32): u32 {
  return load<u32>(v);
}

@inline export function isNumber(v: u32): bool {
  const t = tag(v);
  return t == T_INT || t == T_REF;
}

const staticValues = memory.data(32);

export function nullValue(): u32 {
  store<u32>(staticValues, T_NULL);
  return staticValues;
}

export function boolValue(b: bool): u32 {
  const p = staticValues + 8 + (b ? 8 : 0);
  store<u32>(p, T_BOOL);
  store<u32>(p, b ? 1 : 0, 4);
  return p;
}

@inline export function boolOf(v: u32): bool {
  return load<u32>(v, 4) != 0;
}

export function makeInt(n: i64): u32 {
  const p = malloc(16);
  store<u32>(p, T_INT);
  store<i64>(p, n, 8);
  return p;
}

@inline export function intOf(v: u32): i64 {
  return load<i64>(v, 8);
}

export function makeRef(textPtr: u32, len: u32): u32 {
  const p = malloc(12);
  store<u32>(p, T_REF);
  store<u32>(p, len, 4);
  store<u32>(p, textPtr, 8);
  return p;
}

export function makeString(bytes: u32, len: u32): u32 {
  const p = malloc(16);
  store<u32>(p, T_STRING);
  store<u32>(p, len, 4);
  store<u32>(p, bytes, 8);
  store<i32>(p, -1, 12);
  return p;
}

/** A string value holding a copy of an ASCII AssemblyScript literal. */
export function stringFromLiteral(s: string): u32 {
  const n = <u32>s.length;
  const bytes = malloc(n);
  for (let i: u32 = 0; i < n; i++) store<u8>(bytes + i, <u8>s.charCodeAt(i));
  return makeString(bytes, n);
}

@inline export function strLen(v: u32): u32 {
  return load<u32>(v, 4);
}

@inline export function strPtr(v: u32): u32 {
  return load<u32>(v, 8);
}

export function makeCollection(t: u32, cap: u32, width: u32): u32 {
  return makeSizedCollection(t, cap < 4 ? 4 : cap, width);
}

/**
 * An empty collection with room for exactly `cap` entries (0 allowed), its slots right after the
 * header in one allocation: for collections whose size is known, such as parsed JSON.
 */
export function makeSizedCollection(t: u32, cap: u32, width: u32): u32 {
  const header: u32 = t == T_ARRAY ? 16 : 20;
  const p = malloc(header + cap * width);
  store<u32>(p, t);
  store<u32>(p, 0, 4);
  store<u32>(p, cap, 8);
  store<u32>(p, p + header, 12);
  return p;
}

export function makeArray(cap: u32): u32 {
  return makeCollection(T_ARRAY, cap, 4);
}

export function makeObject(): u32 {
  return makeCollection(T_OBJECT, 4, 8);
}

export function makeSet(): u32 {
  return makeCollection(T_SET, 4, 4);
}

const UNSORTED: u32 = 0x80000000;
const ONCE: u32 = 0x40000000;
const LOOKUP: u32 = 0x20000000;
const FLAGS: u32 = UNSORTED | ONCE | LOOKUP;

/**
 * Number of entries; sorts a set or object left unsorted by appends first. Not @inline: the sort
 * calls back into functions that read lengths (binaryen still inlines it at -O3).
 */
export function collLen(v: u32): u32 {
  if (load<u32>(v, 8) & UNSORTED) sortCollection(v);
  return load<u32>(v, 4);
}

/** Number of slots in use, without sorting (for builders). */
@inline export function rawLen(v: u32): u32 {
  return load<u32>(v, 4);
}

@inline export function isUnsorted(v: u32): bool {
  return (load<u32>(v, 8) & UNSORTED) != 0;
}

/** Number of slots allocated. */
@inline export function collCap(v: u32): u32 {
  return load<u32>(v, 8) & ~FLAGS;
}

/** Whether the unsorted entries came from insert-once appends (see ONCE). */
@inline export function isOnce(v: u32): bool {
  return (load<u32>(v, 8) & ONCE) != 0;
}

/** Entries known to be in order (all of them unless unsorted). */
@inline export function sortedLen(v: u32): u32 {
  return isUnsorted(v) ? load<u32>(v, 16) : load<u32>(v, 4);
}

@inline export function lookupFirst(v: u32): bool {
  return (load<u32>(v, 8) & LOOKUP) != 0;
}

/** Marks a sorted set or object as about to take out-of-order appends. */
@inline export function markUnsorted(v: u32, once: bool): void {
  store<u32>(v, load<u32>(v, 4), 16);
  store<u32>(v, load<u32>(v, 8) | UNSORTED | (once ? ONCE : 0), 8);
}

/** Marks a set or object sorted again; `lookup` sets LOOKUP for the appends to come. */
@inline export function clearUnsorted(v: u32, lookup: bool): void {
  store<u32>(v, (load<u32>(v, 8) & ~FLAGS) | (lookup ? LOOKUP : 0), 8);
}

@inline export function collData(v: u32): u32 {
  return load<u32>(v, 12);
}

@inline export function arrayGet(v: u32, i: u32): u32 {
  return load<u32>(collData(v) + (i << 2));
}

@inline export function setGet(v: u32, i: u32): u32 {
  return load<u32>(collData(v) + (i << 2));
}

@inline export function objKey(v: u32, i: u32): u32 {
  return load<u32>(collData(v) + (i << 3));
}

@inline export function objVal(v: u32, i: u32): u32 {
  return load<u32>(collData(v) + (i << 3) + 4);
}

/** Makes room for one more slot of `width` bytes. */
export function reserve(v: u32, width: u32): void {
  const len = rawLen(v);
  const word = load<u32>(v, 8);
  const cap = word & ~FLAGS;
  if (len < cap) return;
  const newCap = cap < 2 ? 4 : cap * 2;
  const data = malloc(newCap * width);
  memory.copy(data, collData(v), len * width);
  store<u32>(v, newCap | (word & FLAGS), 8);
  store<u32>(v, data, 12);
}

export function arrayPush(arr: u32, item: u32): void {
  reserve(arr, 4);
  const len = rawLen(arr);
  store<u32>(collData(arr) + (len << 2), item);
  store<u32>(arr, len + 1, 4);
}
