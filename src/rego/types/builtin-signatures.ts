import { parseType, type RegoType } from './types.js';

/**
 * Declared argument and result types of OPA's builtins (facts from OPA's capabilities), for the
 * compile-time argument check. Builtins not listed are not checked; where OPA's declaration is
 * looser than its documentation suggests, the looser one is written (a stricter one here would be
 * a false error on a policy OPA accepts).
 */
const SIGNATURES: Record<string, string> = {
  // arithmetic (minus also takes sets)
  plus: 'number, number -> number',
  minus: 'any<number, set[any]>, any<number, set[any]> -> any<number, set[any]>',
  mul: 'number, number -> number',
  div: 'number, number -> number',
  rem: 'number, number -> number',
  abs: 'number -> number',
  ceil: 'number -> number',
  floor: 'number -> number',
  round: 'number -> number',
  'numbers.range': 'number, number -> array[number]',
  'numbers.range_step': 'number, number, number -> array[number]',
  'rand.intn': 'string, number -> number',
  'bits.and': 'number, number -> number',
  'bits.or': 'number, number -> number',
  'bits.xor': 'number, number -> number',
  'bits.negate': 'number -> number',
  'bits.lsh': 'number, number -> number',
  'bits.rsh': 'number, number -> number',
  // sets
  and: 'set[any], set[any] -> set[any]',
  or: 'set[any], set[any] -> set[any]',
  intersection: 'set[set[any]] -> set[any]',
  union: 'set[set[any]] -> set[any]',
  // aggregates
  count: 'any<string, array[any], object[any: any], set[any]> -> number',
  sum: 'any<array[number], set[number]> -> number',
  product: 'any<array[number], set[number]> -> number',
  max: 'any<array[any], set[any]> -> any',
  min: 'any<array[any], set[any]> -> any',
  sort: 'any<array[any], set[any]> -> array[any]',
  all: 'any<array[any], set[any]> -> boolean',
  any: 'any<array[any], set[any]> -> boolean',
  // arrays and objects
  'array.concat': 'array[any], array[any] -> array[any]',
  'array.slice': 'array[any], number, number -> array[any]',
  'array.reverse': 'array[any] -> array[any]',
  'object.get': 'object[any: any], any, any -> any',
  'object.keys': 'object[any: any] -> set[any]',
  'object.remove': 'object[any: any], any<array[any], object[any: any], set[any]> -> object[any: any]',
  'object.filter': 'object[any: any], any<array[any], object[any: any], set[any]> -> object[any: any]',
  'object.union': 'object[any: any], object[any: any] -> any',
  'object.union_n': 'array[object[any: any]] -> any',
  'json.filter': 'object[any: any], any<array[any], set[any]> -> any',
  'json.remove': 'object[any: any], any<array[any], set[any]> -> any',
  // strings
  concat: 'string, any<array[string], set[string]> -> string',
  contains: 'string, string -> boolean',
  startswith: 'string, string -> boolean',
  endswith: 'string, string -> boolean',
  format_int: 'number, number -> string',
  indexof: 'string, string -> number',
  indexof_n: 'string, string -> array[number]',
  lower: 'string -> string',
  upper: 'string -> string',
  replace: 'string, string, string -> string',
  split: 'string, string -> array[string]',
  sprintf: 'string, array[any] -> string',
  substring: 'string, number, number -> string',
  trim: 'string, string -> string',
  trim_left: 'string, string -> string',
  trim_right: 'string, string -> string',
  trim_prefix: 'string, string -> string',
  trim_suffix: 'string, string -> string',
  trim_space: 'string -> string',
  'strings.reverse': 'string -> string',
  'strings.count': 'string, string -> number',
  'strings.replace_n': 'object[string: string], string -> string',
  // regular expressions and globs
  'regex.match': 'string, string -> boolean',
  re_match: 'string, string -> boolean',
  'regex.split': 'string, string -> array[string]',
  'regex.find_n': 'string, string, number -> array[string]',
  'regex.replace': 'string, string, string -> string',
  'regex.globs_match': 'string, string -> boolean',
  'glob.quote_meta': 'string -> string',
  // encodings
  'base64.encode': 'string -> string',
  'base64.decode': 'string -> string',
  'base64url.encode': 'string -> string',
  'base64url.encode_no_pad': 'string -> string',
  'base64url.decode': 'string -> string',
  'hex.encode': 'string -> string',
  'hex.decode': 'string -> string',
  'urlquery.encode': 'string -> string',
  'urlquery.decode': 'string -> string',
  'json.marshal': 'any -> string',
  'json.unmarshal': 'string -> any',
  'json.is_valid': 'string -> boolean',
  'yaml.marshal': 'any -> string',
  'yaml.unmarshal': 'string -> any',
  'yaml.is_valid': 'string -> boolean',
  // types
  is_number: 'any -> boolean',
  is_string: 'any -> boolean',
  is_boolean: 'any -> boolean',
  is_array: 'any -> boolean',
  is_set: 'any -> boolean',
  is_object: 'any -> boolean',
  is_null: 'any -> boolean',
  type_name: 'any -> string',
  to_number: 'any<null, boolean, number, string> -> number',
  // crypto, time, network
  'crypto.md5': 'string -> string',
  'crypto.sha1': 'string -> string',
  'crypto.sha256': 'string -> string',
  'crypto.hmac.md5': 'string, string -> string',
  'crypto.hmac.sha1': 'string, string -> string',
  'crypto.hmac.sha256': 'string, string -> string',
  'crypto.hmac.sha512': 'string, string -> string',
  'time.now_ns': ' -> number',
  'time.parse_ns': 'string, string -> number',
  'time.parse_rfc3339_ns': 'string -> number',
  'time.parse_duration_ns': 'string -> number',
  'net.cidr_contains': 'string, string -> boolean',
  'net.cidr_intersects': 'string, string -> boolean',
  'units.parse': 'string -> number',
  'units.parse_bytes': 'string -> number',
  'semver.compare': 'string, string -> number',
};

export interface BuiltinSignature {
  args: RegoType[];
  result: RegoType;
}

const parsed = new Map<string, BuiltinSignature>();
for (const [name, text] of Object.entries(SIGNATURES)) {
  const [args, result] = text.split('->').map((x) => x.trim()) as [string, string];
  parsed.set(name, { args: args === '' ? [] : splitTop(args).map(parseType), result: parseType(result) });
}

/** Splits `a, any<b, c>, d` at top-level commas. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '[') depth++;
    else if (c === '>' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** The declared types of a builtin, if Warden checks it. */
export function builtinSignature(name: string): BuiltinSignature | undefined {
  return parsed.get(name);
}
