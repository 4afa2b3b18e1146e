import { CorruptInput, STD_MAP, URL_MAP, goBase64Decode as decodeGoBase64 } from '../strings/encoding.js';
import { BuiltinError, builtinError, operandTypeError } from '../errors.js';
import { RegoObjectEntries, RegoSet, isRegoObject, typeNameOf, type RegoObject, type RegoValue } from '../value.js';

export function stringArg(name: string, value: RegoValue | undefined, position: number): string {
  if (typeof value !== 'string') throw operandTypeError(name, position, 'string', typeNameOf(value ?? null));
  return value;
}

export function objectArg(name: string, value: RegoValue | undefined, position: number): RegoObject {
  if (value instanceof RegoObjectEntries) return Object.fromEntries(value.entries.map(([k, v]) => [String(k), v]));
  if (value === undefined || !isRegoObject(value)) {
    throw operandTypeError(name, position, 'object', typeNameOf(value ?? null));
  }
  return value;
}

export function numberArg(name: string, value: RegoValue | undefined, position: number): number | bigint {
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw operandTypeError(name, position, 'number', typeNameOf(value ?? null));
  }
  return value;
}

/** OPA's `operand N <message>` type error, for the checks that have their own wording. */
export function operandError(name: string, position: number, message: string): BuiltinError {
  return new BuiltinError('eval_type_error', `${name}: operand ${position} ${message}`);
}

export const fail = builtinError;

/** Items of an array or set. */
export function collectionItems(value: RegoValue): RegoValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof RegoSet) return value.items;
  return undefined;
}

/** A Go error with its own text; builtins turn it into `name: message`. */
export class GoError extends Error {}

/** Go's base64 decoding (shared with the strings family), its errors as GoErrors. */
function goBase64Decode(src: Buffer, map: Int16Array): Buffer {
  try {
    return decodeGoBase64(src, map);
  } catch (e) {
    if (e instanceof CorruptInput) throw new GoError(e.message);
    throw e;
  }
}

export function stdBase64Decode(s: string | Buffer): Buffer {
  return goBase64Decode(typeof s === 'string' ? Buffer.from(s, 'utf8') : s, STD_MAP);
}

/** OPA's base64url.decode: missing padding is added first, then URL-alphabet decoding. */
export function base64UrlDecodeLenient(s: string): Buffer {
  let t = s;
  if (t.length % 4 !== 0) t += '='.repeat(4 - (t.length % 4));
  return goBase64Decode(Buffer.from(t, 'utf8'), URL_MAP);
}

export function base64UrlEncodeRaw(b: Buffer | string): string {
  return (typeof b === 'string' ? Buffer.from(b, 'utf8') : b).toString('base64url');
}

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

/** Runs `fn`, turning GoErrors (and stray library errors) into `name: message` builtin errors. */
export function wrapGo<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BuiltinError) throw e;
    throw builtinError(name, e instanceof Error ? e.message : String(e));
  }
}
