import { builtinError, operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, RegoObjectEntries, RegoSet, typeNameOf, type RegoObject, type RegoValue } from '../value.js';
import { JsonSyntaxError, isValidJson, jsonKey, marshalJson, setKey, unmarshalJson } from './json-text.js';
import { compareStrings, goQuote, sortedSetItems } from '../strings/rego-format.js';
import { operandError, stringArg } from '../operands.js';

// json.* and urlquery.* builtins (OPA's v1/topdown/encoding.go).

export const jsonMarshal: HostBuiltin = (x) => marshalJson(x ?? null);

export const jsonMarshalWithOptions: HostBuiltin = (x, options) => {
  const name = 'json.marshal_with_options';
  if (options === undefined || !(isRegoObject(options) || options instanceof RegoObjectEntries)) {
    throw operandTypeError(name, 2, 'object', typeNameOf(options ?? null));
  }
  if (options instanceof RegoObjectEntries) {
    const bad = options.entries.find(([k]) => typeof k !== 'string')!;
    throw operandError(name, 2, `failed to stringify key ${jsonKey(bad[0])} at index 0: operand 0 must be string but got ${typeNameOf(bad[0])}`);
  }
  let indent = '\t';
  let prefix = '';
  let implicitPretty = false;
  let explicitPretty: boolean | undefined;
  Object.keys(options)
    .sort(compareStrings)
    .forEach((key, idx) => {
      const val = options[key]!;
      if (key === 'prefix' || key === 'indent') {
        if (typeof val !== 'string') {
          throw operandError(name, 2, `key ${goQuote(key)} failed cast to string: operand ${idx} must be string but got ${typeNameOf(val)}`);
        }
        if (key === 'prefix') prefix = val;
        else indent = val;
        implicitPretty = true;
      } else if (key === 'pretty') {
        if (typeof val !== 'boolean') throw operandError(name, 2, `key ${goQuote(key)} failed cast to bool`);
        explicitPretty = val;
      } else {
        throw operandError(name, 2, `object contained unknown key ${goQuote(key)}`);
      }
    });
  const pretty = explicitPretty ?? implicitPretty;
  return pretty ? prefix + marshalJson(x ?? null, indent, prefix) : marshalJson(x ?? null);
};

export const jsonUnmarshal: HostBuiltin = (x) => {
  const s = stringArg('json.unmarshal', x, 1);
  try {
    return unmarshalJson(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw builtinError('json.unmarshal', e.message);
    throw e;
  }
};

export const jsonIsValid: HostBuiltin = (x) => typeof x === 'string' && isValidJson(x);

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

class EscapeError extends Error {}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** Go's url.QueryUnescape. */
export function queryUnescape(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2]))) {
      throw new EscapeError(`invalid URL escape ${goQuote(Buffer.from(s.slice(i), 'utf8').subarray(0, 3).toString('utf8'))}`);
    }
  }
  const bytes: number[] = [];
  const src = Buffer.from(s, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25) {
      bytes.push(parseInt(String.fromCharCode(src[i + 1]!, src[i + 2]!), 16));
      i += 2;
    } else bytes.push(b === 0x2b ? 0x20 : b);
  }
  return Buffer.from(bytes).toString('utf8');
}

export const urlqueryEncode: HostBuiltin = (x) => queryEscape(stringArg('urlquery.encode', x, 1));

export const urlqueryDecode: HostBuiltin = (x) => {
  try {
    return queryUnescape(stringArg('urlquery.decode', x, 1));
  } catch (e) {
    if (e instanceof EscapeError) throw builtinError('urlquery.decode', e.message);
    throw e;
  }
};

export const urlqueryEncodeObject: HostBuiltin = (x) => {
  const name = 'urlquery.encode_object';
  if (x === undefined || !(isRegoObject(x) || x instanceof RegoObjectEntries)) {
    throw operandTypeError(name, 1, 'object', typeNameOf(x ?? null));
  }
  const valuesError = () => operandError(name, 1, 'values must be string, array[string], or set[string]');
  const entries: Array<[string, RegoValue]> =
    x instanceof RegoObjectEntries ? x.entries.map(([k, v]) => [jsonKey(k), v]) : Object.entries(x);
  const query = new Map<string, string[]>();
  for (const [k, v] of entries) {
    if (typeof v === 'string') query.set(k, [v]);
    else if (Array.isArray(v) || v instanceof RegoSet) {
      const items = Array.isArray(v) ? v : sortedSetItems(v);
      for (const item of items) {
        if (typeof item !== 'string') throw valuesError();
        query.set(k, [...(query.get(k) ?? []), item]);
      }
    } else throw valuesError();
  }
  const parts: string[] = [];
  for (const k of [...query.keys()].sort(compareStrings)) {
    for (const v of query.get(k)!) parts.push(queryEscape(k) + '=' + queryEscape(v));
  }
  return parts.join('&');
};

export const urlqueryDecodeObject: HostBuiltin = (x) => {
  const name = 'urlquery.decode_object';
  let rest = stringArg(name, x, 1);
  const out: RegoObject = {};
  let error: string | undefined;
  while (rest !== '') {
    const amp = rest.indexOf('&');
    const part = amp < 0 ? rest : rest.slice(0, amp);
    rest = amp < 0 ? '' : rest.slice(amp + 1);
    if (part.includes(';')) {
      error = 'invalid semicolon separator in query';
      continue;
    }
    if (part === '') continue;
    const eq = part.indexOf('=');
    try {
      const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
      const value = queryUnescape(eq < 0 ? '' : part.slice(eq + 1));
      const prev = Object.hasOwn(out, key) ? (out[key] as RegoValue[]) : [];
      setKey(out, key, [...prev, value]);
    } catch (e) {
      if (!(e instanceof EscapeError)) throw e;
      error ??= e.message;
    }
  }
  if (error !== undefined) throw builtinError(name, error);
  return out;
};
