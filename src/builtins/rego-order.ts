import { RegoObjectEntries, RegoSet, type RegoObject, type RegoValue } from './value.js';

// Rego's total order over values (OPA's ast.Compare): null < boolean < number < string < array
// < object < set. Numbers compare by value whatever their representation (1 == 1.0 == 1n),
// strings by code point (Go compares UTF-8 bytes, which orders the same), arrays
// lexicographically, objects pairwise over their key-sorted entries and then by size, sets
// over their sorted elements.

export type Entry = [RegoValue, RegoValue];

const RANK_NULL = 0;
const RANK_BOOLEAN = 1;
const RANK_NUMBER = 2;
const RANK_STRING = 3;
const RANK_ARRAY = 7;
const RANK_OBJECT = 8;
const RANK_SET = 9;

function rank(v: RegoValue): number {
  if (v === null) return RANK_NULL;
  switch (typeof v) {
    case 'boolean':
      return RANK_BOOLEAN;
    case 'number':
    case 'bigint':
      return RANK_NUMBER;
    case 'string':
      return RANK_STRING;
    default:
      if (Array.isArray(v)) return RANK_ARRAY;
      if (v instanceof RegoSet) return RANK_SET;
      return RANK_OBJECT;
  }
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The integer a number denotes. Integral doubles beyond 2^53 are read as their shortest decimal
 * spelling (1e30 is 10^30), which is what a policy or JSON document most likely wrote.
 */
export function exactInteger(n: number | bigint): bigint {
  if (typeof n === 'bigint') return n;
  if (Math.abs(n) <= SAFE) return BigInt(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e\+(\d+)$/.exec(String(n));
  if (m === null) return BigInt(n);
  const [, minus, whole, frac = '', exp] = m;
  const i = BigInt(whole! + frac) * 10n ** BigInt(Number(exp) - frac.length);
  return minus === '-' ? -i : i;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** A non-integer double against an integer: only the floor decides. */
function compareFractionToBig(n: number, b: bigint): number {
  return BigInt(Math.floor(n)) >= b ? 1 : -1;
}

export function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a) > SAFE && Math.abs(b) > SAFE && Number.isInteger(a) && Number.isInteger(b) && a !== b) {
      return compareNumbers(exactInteger(a), exactInteger(b));
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') {
    const bb = b as bigint;
    if (Number.isInteger(a)) {
      const ab = exactInteger(a);
      return ab < bb ? -1 : ab > bb ? 1 : 0;
    }
    return compareFractionToBig(a, bb);
  }
  return -compareNumbers(b, a);
}

/** Code-point order: surrogate halves sort after U+E000–U+FFFF, as their code points do. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2800;
    return x < y ? -1 : 1;
  }
  return sign(a.length - b.length);
}

// Caches hang off the set and non-string-keyed object classes only: their fields are readonly,
// whereas plain objects and arrays could in principle be changed between calls.
const sortedSetCache = new WeakMap<RegoSet, RegoValue[]>();
const sortedEntriesCache = new WeakMap<RegoObjectEntries, Entry[]>();

/** A set's elements, deduplicated and in Rego order. */
export function setElements(s: RegoSet): RegoValue[] {
  let sorted = sortedSetCache.get(s);
  if (sorted === undefined) {
    sorted = normaliseSet(s.items);
    sortedSetCache.set(s, sorted);
  }
  return sorted;
}

function compareEntryKeys(p: Entry, q: Entry): number {
  return compareStrings(p[0] as string, q[0] as string);
}

/** An object's entries in key order, a later duplicate of a key winning. */
export function sortedEntries(o: RegoObject | RegoObjectEntries): Entry[] {
  if (!(o instanceof RegoObjectEntries)) return Object.entries(o).sort(compareEntryKeys);
  let sorted = sortedEntriesCache.get(o);
  if (sorted === undefined) {
    const indexed = o.entries.map((e, i) => ({ e, i }));
    indexed.sort((p, q) => compareValues(p.e[0], q.e[0]) || q.i - p.i);
    sorted = [];
    for (const { e } of indexed) {
      const last = sorted[sorted.length - 1];
      if (last === undefined || compareValues(last[0], e[0]) !== 0) sorted.push(e);
    }
    sortedEntriesCache.set(o, sorted);
  }
  return sorted;
}

function compareArrays(a: RegoValue[], b: RegoValue[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

function compareObjects(a: RegoObject | RegoObjectEntries, b: RegoObject | RegoObjectEntries): number {
  const ea = sortedEntries(a);
  const eb = sortedEntries(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) {
    const k = compareValues(ea[i]![0], eb[i]![0]);
    if (k !== 0) return k;
    const v = compareValues(ea[i]![1], eb[i]![1]);
    if (v !== 0) return v;
  }
  return sign(ea.length - eb.length);
}

/** Rego's total order: negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareValues(a: RegoValue, b: RegoValue): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case RANK_NULL:
      return 0;
    case RANK_BOOLEAN:
      return a === b ? 0 : a === false ? -1 : 1;
    case RANK_NUMBER:
      return compareNumbers(a as number | bigint, b as number | bigint);
    case RANK_STRING:
      return compareStrings(a as string, b as string);
    case RANK_ARRAY:
      return compareArrays(a as RegoValue[], b as RegoValue[]);
    case RANK_SET:
      return compareArrays(setElements(a as RegoSet), setElements(b as RegoSet));
    default:
      return compareObjects(a as RegoObject | RegoObjectEntries, b as RegoObject | RegoObjectEntries);
  }
}

/** Rego equality (`==`): numbers by value, sets and objects regardless of order. */
export function valuesEqual(a: RegoValue, b: RegoValue): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string') return false;
  return compareValues(a, b) === 0;
}

/** A sorted copy (stable for equal values). */
export function sortValues(values: readonly RegoValue[]): RegoValue[] {
  return values.slice().sort(compareValues);
}

/** Set normal form: sorted, without duplicates. */
export function normaliseSet(values: readonly RegoValue[]): RegoValue[] {
  const sorted = sortValues(values);
  const out: RegoValue[] = [];
  for (const v of sorted) {
    if (out.length === 0 || compareValues(out[out.length - 1]!, v) !== 0) out.push(v);
  }
  return out;
}

/** A new normalised set. */
export function makeSet(values: readonly RegoValue[]): RegoSet {
  const s = new RegoSet(normaliseSet(values));
  sortedSetCache.set(s, s.items);
  return s;
}

/** A set from values already in set normal form (e.g. a filtered set's elements). */
export function setFromNormalised(values: RegoValue[]): RegoSet {
  const s = new RegoSet(values);
  sortedSetCache.set(s, values);
  return s;
}
