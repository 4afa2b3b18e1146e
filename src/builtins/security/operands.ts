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

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}

const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

/**
 * Go's base64 decoding with padding (StdEncoding / URLEncoding, not strict): CR and LF are skipped,
 * errors say `illegal base64 data at input byte N` with Go's offsets.
 */
function goBase64Decode(src: Buffer, map: Int16Array): Buffer {
  const out: number[] = [];
  let si = 0;
  const corrupt = (at: number): GoError => new GoError(`illegal base64 data at input byte ${at}`);
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw corrupt(si - j);
      }
      const c = src[si]!;
      si++;
      const v = map[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (c !== 0x3d) throw corrupt(si - 1);
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) throw corrupt(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]!);
    if (dlen < 4) break;
  }
  return Buffer.from(out);
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
