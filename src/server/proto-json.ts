import { setMember } from '../engine/index.js';
import { ServiceError } from './errors.js';

/** A decoded `google.protobuf.Value` (field names as in the .proto file). */
interface ProtoValue {
  null_value?: unknown;
  number_value?: number;
  string_value?: string;
  bool_value?: boolean;
  struct_value?: { fields?: Record<string, ProtoValue> };
  list_value?: { values?: ProtoValue[] };
}

interface CamelValue {
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: { fields?: Record<string, ProtoValue> };
  listValue?: { values?: ProtoValue[] };
}

/**
 * A decoded `google.protobuf.Struct` as plain JSON. Nesting deeper than `maxDepth` is refused with
 * INVALID_ARGUMENT, so no request can make the policy input arbitrarily deep.
 */
export function structToJson(struct: { fields?: Record<string, ProtoValue> } | null | undefined, maxDepth = 32): Record<string, unknown> {
  if (!struct) return {};
  return structFields(struct, maxDepth, 0);
}

function structFields(struct: { fields?: Record<string, ProtoValue> }, maxDepth: number, depth: number): Record<string, unknown> {
  if (depth >= maxDepth) throw new ServiceError('invalid_argument', `context is nested deeper than ${maxDepth} levels`);
  // Keys in sorted order, so that the policy input's JSON is canonical as built (see canonicalCopy).
  const fields = struct.fields ?? {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(fields).sort()) setMember(out, k, valueToJson(fields[k], maxDepth, depth + 1));
  return out;
}

function valueToJson(raw: ProtoValue | null | undefined, maxDepth: number, depth: number): unknown {
  if (!raw) return null;
  // protobufjs's bundled google/protobuf/struct.proto names Value's fields in camelCase.
  const v = raw as ProtoValue & CamelValue;
  const str = v.stringValue ?? v.string_value;
  if (str !== undefined) return str;
  const num = v.numberValue ?? v.number_value;
  if (num !== undefined) return Number.isFinite(num) ? num : String(num);
  const b = v.boolValue ?? v.bool_value;
  if (b !== undefined) return b;
  const st = v.structValue ?? v.struct_value;
  if (st !== undefined) return structFields(st ?? {}, maxDepth, depth);
  const list = v.listValue ?? v.list_value;
  if (list !== undefined) {
    if (depth >= maxDepth) throw new ServiceError('invalid_argument', `context is nested deeper than ${maxDepth} levels`);
    return (list?.values ?? []).map((x) => valueToJson(x, maxDepth, depth + 1));
  }
  return null;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0 || v === '0') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function timestampToRfc3339(ts: { seconds?: string | number; nanos?: number }): string {
  const seconds = Number(ts.seconds ?? 0);
  const nanos = ts.nanos ?? 0;
  const base = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  if (!nanos) return `${base}Z`;
  // Protobuf JSON writes 3, 6 or 9 fractional digits, as many as needed.
  const digits = nanos % 1_000_000 === 0 ? 3 : nanos % 1_000 === 0 ? 6 : 9;
  const frac = String(nanos).padStart(9, '0').slice(0, digits);
  return `${base}.${frac}Z`;
}

/** Fields whose values are maps: keys are data, not field names, and stay as they are. */
const STRING_MAPS = new Set(['headers', 'labels', 'context_extensions']);
const STRUCT_MAPS = new Set(['filter_metadata']);

/**
 * An Envoy `AttributeContext` in protobuf JSON form, as OPA-Envoy gives it to policies in
 * `input.attributes`: lowerCamelCase field names, default values omitted, timestamps in RFC 3339,
 * 64-bit integers and bytes as strings, `Struct`s as JSON.
 */
export function attributeContextToJson(value: unknown): unknown {
  return messageToJson(value, '');
}

function messageToJson(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return value.map((v) => messageToJson(v, field));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (field === 'time') return timestampToRfc3339(obj as { seconds?: string; nanos?: number });
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (isEmpty(v)) continue;
    let converted: unknown;
    if (STRING_MAPS.has(k) && !Array.isArray(v)) converted = v;
    else if (STRUCT_MAPS.has(k)) {
      const m: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v as Record<string, { fields?: Record<string, ProtoValue> }>)) m[mk] = structToJson(mv, 64);
      converted = m;
    } else if (k === 'typed_filter_metadata') {
      const m: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v as Record<string, { type_url?: string; value?: string }>)) m[mk] = { '@type': mv.type_url ?? '', value: mv.value ?? '' };
      converted = m;
    } else converted = messageToJson(v, k);
    out[camel(k)] = converted;
  }
  return out;
}
