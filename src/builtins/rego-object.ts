import { RegoObjectEntries, RegoSet, isRegoObject, type RegoObject, type RegoValue } from './value.js';
import { exactInteger, setElements, sortedEntries, type Entry } from './rego-order.js';

// Objects come in two shapes (plain objects when every key is a string, RegoObjectEntries
// otherwise) and keys compare by Rego equality (1 and 1.0 are the same key). These helpers
// hide both facts behind canonical keys: strings that are equal exactly when the values are.

export type ObjectValue = RegoObject | RegoObjectEntries;

export function isObjectValue(v: RegoValue | undefined): v is ObjectValue {
  return v !== undefined && (v instanceof RegoObjectEntries || isRegoObject(v));
}

const keyCache = new WeakMap<RegoSet | RegoObjectEntries, string>();

/** A string that two values share exactly when they are equal in Rego. */
export function canonicalKey(v: RegoValue): string {
  if (v === null) return 'z';
  switch (typeof v) {
    case 'boolean':
      return v ? 't' : 'f';
    case 'number':
      return Number.isInteger(v) ? 'n' + exactInteger(v).toString() : 'n' + String(v);
    case 'bigint':
      return 'n' + v.toString();
    case 'string':
      return 's' + JSON.stringify(v);
    default:
      break;
  }
  if (Array.isArray(v)) return '[' + v.map(canonicalKey).join(',') + ']';
  if (!(v instanceof RegoSet) && !(v instanceof RegoObjectEntries)) return objectKey(v);
  let key = keyCache.get(v);
  if (key === undefined) {
    key = v instanceof RegoSet ? '<' + setElements(v).map(canonicalKey).join(',') + '>' : objectKey(v);
    keyCache.set(v, key);
  }
  return key;
}

function objectKey(o: ObjectValue): string {
  return '{' + sortedEntries(o).map(([k, x]) => canonicalKey(k) + ':' + canonicalKey(x)).join(',') + '}';
}

/** A map keyed by Rego values, remembering insertion order. */
export class ValueMap<V> {
  private readonly map = new Map<string, [RegoValue, V]>();

  get size(): number {
    return this.map.size;
  }

  has(key: RegoValue): boolean {
    return this.map.has(canonicalKey(key));
  }

  get(key: RegoValue): V | undefined {
    return this.map.get(canonicalKey(key))?.[1];
  }

  /** Sets the value; an existing key keeps its original spelling. */
  set(key: RegoValue, value: V): void {
    const k = canonicalKey(key);
    const prior = this.map.get(k);
    this.map.set(k, [prior === undefined ? key : prior[0], value]);
  }

  delete(key: RegoValue): boolean {
    return this.map.delete(canonicalKey(key));
  }

  entries(): Array<[RegoValue, V]> {
    return [...this.map.values()];
  }

  keys(): RegoValue[] {
    return [...this.map.values()].map((e) => e[0]);
  }
}

/** A set of Rego values for membership tests. */
export class ValueSet {
  private readonly keys = new Set<string>();

  constructor(values: Iterable<RegoValue> = []) {
    for (const v of values) this.add(v);
  }

  add(v: RegoValue): void {
    this.keys.add(canonicalKey(v));
  }

  has(v: RegoValue): boolean {
    return this.keys.has(canonicalKey(v));
  }

  get size(): number {
    return this.keys.size;
  }
}

/** An object's entries (any order). */
export function entriesOf(o: ObjectValue): Entry[] {
  return o instanceof RegoObjectEntries ? sortedEntries(o) : Object.entries(o);
}

export function objectSize(o: ObjectValue): number {
  return o instanceof RegoObjectEntries ? sortedEntries(o).length : Object.keys(o).length;
}

const lookupCache = new WeakMap<RegoObjectEntries, ValueMap<RegoValue>>();

/** The value under `key`, or undefined. */
export function objectGet(o: ObjectValue, key: RegoValue): RegoValue | undefined {
  if (!(o instanceof RegoObjectEntries)) {
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
  }
  let index = lookupCache.get(o);
  if (index === undefined) {
    index = new ValueMap<RegoValue>();
    for (const [k, v] of o.entries) index.set(k, v);
    lookupCache.set(o, index);
  }
  return index.get(key);
}

/** Assigns an own property, even one named `__proto__`. */
export function setOwn(target: RegoObject, key: string, value: RegoValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** An object from entries (a later entry for an equal key wins), in the shape its keys call for. */
export function makeObject(entries: Iterable<Entry>): ObjectValue {
  const list = [...entries];
  if (list.every(([k]) => typeof k === 'string')) {
    const out: RegoObject = {};
    for (const [k, v] of list) setOwn(out, k as string, v);
    return out;
  }
  const merged = new ValueMap<RegoValue>();
  for (const [k, v] of list) merged.set(k, v);
  return new RegoObjectEntries(merged.entries());
}

// OPA's Value.Find over a path of keys: object keys by equality, array indexes as integer
// numbers in range, set members by membership (continuing into the member itself).

/** The array index a path segment denotes, if any. */
function arrayIndex(seg: RegoValue, length: number): number | undefined {
  if (typeof seg !== 'number' && typeof seg !== 'bigint') return undefined;
  if (typeof seg === 'number' && !Number.isInteger(seg)) return undefined;
  const i = exactInteger(seg);
  return i >= 0n && i < BigInt(length) ? Number(i) : undefined;
}

const memberCache = new WeakMap<RegoSet, ValueSet>();

export function setHas(s: RegoSet, v: RegoValue): boolean {
  let members = memberCache.get(s);
  if (members === undefined) {
    members = new ValueSet(setElements(s));
    memberCache.set(s, members);
  }
  return members.has(v);
}

/** One step of Find. */
function child(v: RegoValue, seg: RegoValue): RegoValue | undefined {
  if (isObjectValue(v)) return objectGet(v, seg);
  if (Array.isArray(v)) {
    const i = arrayIndex(seg, v.length);
    return i === undefined ? undefined : v[i];
  }
  if (v instanceof RegoSet) return setHas(v, seg) ? seg : undefined;
  return undefined;
}

export function findPath(v: RegoValue, path: readonly RegoValue[]): RegoValue | undefined {
  let cur: RegoValue | undefined = v;
  for (const seg of path) {
    cur = child(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}
