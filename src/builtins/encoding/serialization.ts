import { builtinError, operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, RegoObjectEntries, RegoSet, typeNameOf, type RegoObject, type RegoValue } from '../value.js';
import { JsonSyntaxError, isValidJson, jsonKey, marshalJson, setKey, unmarshalJson } from './json-text.js';
import { compareStrings, goQuote, sortedSetItems } from '../strings/rego-format.js';
import { operandError, stringArg } from '../operands.js';
import { queryEscape, queryUnescape, UrlEscapeError } from './go-url.js';

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

export const urlqueryEncode: HostBuiltin = (x) => queryEscape(stringArg('urlquery.encode', x, 1));

export const urlqueryDecode: HostBuiltin = (x) => {
  try {
    return queryUnescape(stringArg('urlquery.decode', x, 1));
  } catch (e) {
    if (e instanceof UrlEscapeError) throw builtinError('urlquery.decode', e.message);
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
      if (!(e instanceof UrlEscapeError)) throw e;
      error ??= e.message;
    }
  }
  if (error !== undefined) throw builtinError(name, error);
  return out;
};
