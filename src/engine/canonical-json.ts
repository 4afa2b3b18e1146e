import { isLosslessNumber } from './exact-json.js';

/**
 * JSON with object keys sorted at every level, so equal inputs give equal text whatever order their
 * keys were built in. `undefined` members are dropped, as `JSON.stringify` does; a LosslessNumber
 * (see parseJsonExact) is written as its digits.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }) // → '{"a":[true,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return canonicalJsonOf(value).json;
}

/**
 * {@link canonicalJson} of `value`, and whether that text is `JSON.stringify(value)`: plain data
 * whose keys are in order already (as Warden builds inputs), which can then stand for its text.
 */
export function canonicalJsonOf(value: unknown): { json: string; stringified: boolean } {
  // Inputs built in key order take V8's native serialiser.
  const stringified = isCanonical(value, 0);
  return { json: stringified ? JSON.stringify(value) : sortedJson(value), stringified };
}

/** Plain data whose object keys are already in sorted order at every level, within a depth. */
function isCanonical(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'undefined' && typeof value !== 'function' && typeof value !== 'bigint';
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (!isCanonical(v, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  let previous: string | undefined;
  for (const k in value) {
    if (previous !== undefined && !(previous < k)) return false;
    if (!isCanonical((value as Record<string, unknown>)[k], depth + 1)) return false;
    previous = k;
  }
  return true;
}

function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (isLosslessNumber(value)) return value.toString();
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += v === undefined || typeof v === 'function' ? 'null' : sortedJson(v);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k) + ':' + sortedJson(v);
  }
  return out + '}';
}

/**
 * A deep copy of plain JSON data with object keys inserted in sorted order, so that
 * `JSON.stringify` of it is a canonical text: equal values give equal text whatever order their
 * keys came in (V8 lists integer-like keys first, in numeric order, which is just as deterministic).
 * `undefined` members are dropped; a LosslessNumber is kept as it is (immutable, so shared), where
 * `structuredClone` would make a plain object of it.
 */
export function canonicalCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object' || isLosslessNumber(value)) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => (v === undefined ? null : canonicalCopy(v))) as T;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v !== undefined) setMember(out, k, canonicalCopy(v));
  }
  return out as T;
}

/** `out[key] = value`, also for the key `__proto__` (which assignment would take as the prototype). */
export function setMember(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
