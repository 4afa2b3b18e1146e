import { RegoObjectEntries, RegoSet, type RegoObject, type RegoValue } from './value.js';

// Rego values to and from the plain JSON that libraries (ajv, graphql, jose) take and give.

/** A plain JSON value (sets as arrays, big integers as numbers) for libraries that take JSON. */
export function toPlainJson(v: RegoValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toPlainJson);
  if (v instanceof RegoSet) return v.items.map(toPlainJson);
  if (v instanceof RegoObjectEntries) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.entries) define(o, typeof k === 'string' ? k : JSON.stringify(toPlainJson(k)), toPlainJson(x));
    return o;
  }
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) define(o, k, toPlainJson(x));
  return o;
}

/** A Rego value from parsed JSON (integers beyond 2^53 cannot be exact here and stay numbers). */
export function fromPlainJson(v: unknown): RegoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(fromPlainJson);
  const o: RegoObject = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) define(o, k, fromPlainJson(x));
  return o;
}

/** Sets a key even when it is `__proto__`. */
export function define<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}
