import { BuiltinError } from './errors.js';
import { RegoObjectEntries, RegoSet, type RegoObject, type RegoValue } from './value.js';

// The TypeScript half of the codec in src/wasm/runtime/host.ts: Warden modules send sets, exact
// numbers and non-string-keyed objects as one-key marker objects, and read them back the same way.

const SET = '$warden.set';
const NUM = '$warden.num';
const OBJ = '$warden.obj';
const ERROR = '$warden.error';
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function numberFromText(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    return n > SAFE || n < -SAFE ? n : Number(n);
  }
  return Number(text);
}

/** The text of a number a Warden module sent as a marker (every number that is not a safe integer), else `undefined`. */
export function numberMarkerText(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const text = o[NUM];
  return typeof text === 'string' && Object.keys(o).length === 1 ? text : undefined;
}

/** JSON from a Warden module → Rego value. */
export function decodeArg(v: unknown): RegoValue {
  if (v === null || typeof v !== 'object') return v as RegoValue;
  if (Array.isArray(v)) return v.map(decodeArg);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const k = keys[0]!;
    if (k === SET && Array.isArray(o[k])) return new RegoSet((o[k] as unknown[]).map(decodeArg));
    if (k === NUM && typeof o[k] === 'string') return numberFromText(o[k] as string);
    if (k === OBJ && Array.isArray(o[k])) {
      return new RegoObjectEntries((o[k] as unknown[][]).map(([a, b]) => [decodeArg(a), decodeArg(b)]));
    }
  }
  const out: RegoObject = {};
  for (const k of keys) out[k] = decodeArg(o[k]);
  return out;
}

function isExactDouble(n: number): boolean {
  return Number.isFinite(n) && (!Number.isInteger(n) || Math.abs(n) <= Number.MAX_SAFE_INTEGER);
}

/** Rego value → JSON for a Warden module (markers where plain JSON would lose something). */
export function encodeResult(v: RegoValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new BuiltinError('eval_builtin_error', `result is not a finite number: ${v}`);
    return isExactDouble(v) ? v : { [NUM]: BigInt(v).toString() };
  }
  if (typeof v === 'bigint') return { [NUM]: v.toString() };
  if (Array.isArray(v)) return v.map(encodeResult);
  if (v instanceof RegoSet) return { [SET]: v.items.map(encodeResult) };
  if (v instanceof RegoObjectEntries) return { [OBJ]: v.entries.map(([a, b]) => [encodeResult(a), encodeResult(b)]) };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = encodeResult(x);
  return out;
}

/** Rego value → plain JSON, for modules built by OPA that know nothing of markers. */
export function plainResult(v: RegoValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plainResult);
  if (v instanceof RegoSet) return v.items.map(plainResult);
  if (v instanceof RegoObjectEntries) {
    return Object.fromEntries(v.entries.map(([a, b]) => [typeof a === 'string' ? a : JSON.stringify(plainResult(a)), plainResult(b)]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plainResult(x);
  return out;
}

export function encodeError(e: unknown, builtin: string): unknown {
  if (e instanceof BuiltinError) return { [ERROR]: { code: e.code, message: e.message } };
  const message = e instanceof Error ? e.message : String(e);
  return { [ERROR]: { code: 'eval_builtin_error', message: `${builtin}: ${message}` } };
}
