import type { HostBuiltinTable, MarkedArgsBuiltin } from './host-builtin.js';
import { all, any, count, max, min, product, sort, sum } from './aggregates/aggregates.js';
import { arrayConcat, arrayFlatten, arrayReverse, arraySlice, walk } from './arrays/arrays.js';
import { hashBuiltins } from './crypto/crypto-hash.js';
import { x509Builtins } from './crypto/x509.js';
import {
  base64Decode,
  base64Encode,
  base64IsValid,
  base64UrlDecode,
  base64UrlEncode,
  base64UrlEncodeNoPad,
  hexDecode,
  hexEncode,
} from './encoding/encoding.js';
import {
  jsonIsValid,
  jsonMarshal,
  jsonMarshalWithOptions,
  jsonUnmarshal,
  urlqueryDecode,
  urlqueryDecodeObject,
  urlqueryEncode,
  urlqueryEncodeObject,
} from './encoding/serialization.js';
import { uriIsValid, uriParse } from './encoding/uri.js';
import { yamlIsValid, yamlMarshal, yamlUnmarshal } from './encoding/yaml.js';
import { globBuiltins } from './glob/glob-builtins.js';
import { graphReachable, graphReachablePaths } from './graph/graph.js';
import { graphqlBuiltins } from './graphql/graphql.js';
import { netCidrBuiltins } from './net/net-cidr.js';
import { abs, ceil, div, floor, minus, mul, plus, rem, round } from './numbers/arithmetic.js';
import { bitsAnd, bitsLsh, bitsNegate, bitsOr, bitsRsh, bitsXor, numbersRange, numbersRangeStep } from './numbers/bits-range.js';
import { toNumber, unitsParse, unitsParseBytes } from './numbers/conversions.js';
import { jsonPatch } from './objects/json-patch.js';
import { jsonFilter, jsonRemove } from './objects/json-paths.js';
import { jsonMatchSchema, jsonVerifySchema } from './objects/json-schema.js';
import { objectFilter, objectGetBuiltin, objectKeys, objectRemove, objectSubsetBuiltin, objectUnion, objectUnionN } from './objects/objects.js';
import { regexBuiltins } from './regex/regex-builtins.js';
import { regoParseModule } from './rego/parse-module.js';
import { awsSignReq } from './runtime/aws-sign.js';
import { runtimeBuiltins } from './runtime/runtime.js';
import { and, intersection, or, setDiff, union } from './sets/sets.js';
import {
  anyPrefixMatch,
  anySuffixMatch,
  concat,
  contains,
  endswith,
  formatInt,
  indexof,
  indexofN,
  lower,
  replace,
  split,
  splitN,
  startswith,
  stringsCount,
  stringsReverse,
  substring,
  upper,
} from './strings/basic.js';
import { renderTemplate } from './strings/render-template.js';
import { semverCompare, semverIsValid, uuidParse, uuidRfc4122 } from './strings/semver-uuid.js';
import { sprintf, sprintfOfMarkedArgs, templateString } from './strings/sprintf.js';
import { replaceN, trim, trimLeft, trimPrefix, trimRight, trimSpace, trimSuffix } from './strings/trim.js';
import { timeBuiltins } from './time/time-builtins.js';
import { jwtDecodeVerify } from './tokens/jwt-decode-verify.js';
import { jwtEncodeSign, jwtEncodeSignRaw } from './tokens/jwt-encode.js';
import { jwtVerifyBuiltins } from './tokens/jwt.js';
import {
  castArray,
  castBoolean,
  castNull,
  castObject,
  castSet,
  castString,
  isArray,
  isBoolean,
  isNull,
  isNumber,
  isObject,
  isSet,
  isString,
  typeNameBuiltin,
} from './types/types.js';

/**
 * Every builtin implemented in TypeScript, keyed by OPA name. Which builtins run on the host is
 * declared in src/builtins/registry; test/builtins/registry.test.ts keeps the two in agreement.
 */
export const HOST_TABLE: HostBuiltinTable = {
  'object.get': objectGetBuiltin,
  'object.keys': objectKeys,
  'object.remove': objectRemove,
  'object.filter': objectFilter,
  'object.union': objectUnion,
  'object.union_n': objectUnionN,
  'object.subset': objectSubsetBuiltin,
  'json.filter': jsonFilter,
  'json.remove': jsonRemove,
  'json.patch': jsonPatch,
  'rego.parse_module': regoParseModule,
  'array.concat': arrayConcat,
  'array.slice': arraySlice,
  'array.reverse': arrayReverse,
  'array.flatten': arrayFlatten,
  walk,
  'graph.reachable': graphReachable,
  'graph.reachable_paths': graphReachablePaths,
  'numbers.range': numbersRange,
  'numbers.range_step': numbersRangeStep,
  sort,
  sum,
  product,
  max,
  min,
  count,
  'bits.and': bitsAnd,
  'bits.or': bitsOr,
  'bits.xor': bitsXor,
  'bits.negate': bitsNegate,
  'bits.lsh': bitsLsh,
  'bits.rsh': bitsRsh,
  abs,
  round,
  ceil,
  floor,
  union,
  intersection,
  set_diff: setDiff,
  type_name: typeNameBuiltin,
  is_number: isNumber,
  is_string: isString,
  is_boolean: isBoolean,
  is_array: isArray,
  is_set: isSet,
  is_object: isObject,
  is_null: isNull,
  cast_array: castArray,
  cast_set: castSet,
  cast_string: castString,
  cast_boolean: castBoolean,
  cast_null: castNull,
  cast_object: castObject,
  any,
  all,
  plus,
  minus,
  mul,
  div,
  rem,
  and,
  or,
  concat,
  contains,
  endswith,
  startswith,
  format_int: formatInt,
  indexof,
  indexof_n: indexofN,
  lower,
  upper,
  replace,
  split,
  sprintf,
  substring,
  trim,
  trim_left: trimLeft,
  trim_prefix: trimPrefix,
  trim_right: trimRight,
  trim_suffix: trimSuffix,
  trim_space: trimSpace,
  'strings.any_prefix_match': anyPrefixMatch,
  'strings.any_suffix_match': anySuffixMatch,
  'strings.count': stringsCount,
  'strings.replace_n': replaceN,
  'strings.reverse': stringsReverse,
  'strings.split_n': splitN,
  'strings.render_template': renderTemplate,
  'internal.template_string': templateString,
  to_number: toNumber,
  'units.parse': unitsParse,
  'units.parse_bytes': unitsParseBytes,
  'base64.encode': base64Encode,
  'base64.decode': base64Decode,
  'base64.is_valid': base64IsValid,
  'base64url.encode': base64UrlEncode,
  'base64url.encode_no_pad': base64UrlEncodeNoPad,
  'base64url.decode': base64UrlDecode,
  'hex.encode': hexEncode,
  'hex.decode': hexDecode,
  'urlquery.encode': urlqueryEncode,
  'urlquery.decode': urlqueryDecode,
  'urlquery.encode_object': urlqueryEncodeObject,
  'urlquery.decode_object': urlqueryDecodeObject,
  'uri.parse': uriParse,
  'uri.is_valid': uriIsValid,
  'json.marshal': jsonMarshal,
  'json.marshal_with_options': jsonMarshalWithOptions,
  'json.unmarshal': jsonUnmarshal,
  'json.is_valid': jsonIsValid,
  'yaml.marshal': yamlMarshal,
  'yaml.unmarshal': yamlUnmarshal,
  'yaml.is_valid': yamlIsValid,
  'semver.compare': semverCompare,
  'semver.is_valid': semverIsValid,
  'uuid.parse': uuidParse,
  'uuid.rfc4122': uuidRfc4122,
  ...regexBuiltins,
  ...globBuiltins,
  ...timeBuiltins,
  ...hashBuiltins,
  ...netCidrBuiltins,
  ...runtimeBuiltins,
  ...jwtVerifyBuiltins,
  ...x509Builtins,
  ...graphqlBuiltins,
  'io.jwt.decode_verify': jwtDecodeVerify,
  'io.jwt.encode_sign': jwtEncodeSign,
  'io.jwt.encode_sign_raw': jwtEncodeSignRaw,
  'json.match_schema': jsonMatchSchema,
  'json.verify_schema': jsonVerifySchema,
  'providers.aws.sign_req': awsSignReq,
};

/** Builtins that read what Warden modules send them as it came (see toSdkBuiltins): `sprintf` formats a number by its text, as OPA does. */
export const MARKED_ARGS_TABLE: Readonly<Record<string, MarkedArgsBuiltin>> = { sprintf: sprintfOfMarkedArgs };
