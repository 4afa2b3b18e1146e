import type { BuiltinGroup } from './declaration.js';

/** Encodings and serialisations. */
export const ENCODING: BuiltinGroup = {
  category: 'encoding',
  builtins: [
    { name: 'base64.encode', signature: 'string -> string', host: true },
    { name: 'base64.decode', signature: 'string -> string', host: true },
    { name: 'base64.is_valid', signature: 'string -> boolean', host: true, unchecked: true },
    { name: 'base64url.encode', signature: 'string -> string', host: true },
    { name: 'base64url.encode_no_pad', signature: 'string -> string', host: true },
    { name: 'base64url.decode', signature: 'string -> string', host: true },
    { name: 'hex.encode', signature: 'string -> string', host: true },
    { name: 'hex.decode', signature: 'string -> string', host: true },
    { name: 'urlquery.encode', signature: 'string -> string', host: true },
    { name: 'urlquery.decode', signature: 'string -> string', host: true },
    { name: 'urlquery.encode_object', signature: 'object[string: any<string, array[string], set[string]>] -> string', host: true, unchecked: true },
    { name: 'urlquery.decode_object', signature: 'string -> object[string: array[string]]', host: true, unchecked: true },
    { name: 'uri.parse', signature: 'string -> object[string: string]', host: true },
    { name: 'uri.is_valid', signature: 'string -> boolean', host: true },
    { name: 'json.marshal', signature: 'any -> string', host: true },
    { name: 'json.marshal_with_options', signature: 'any, object[string: any] -> string', host: true, unchecked: true },
    { name: 'json.unmarshal', signature: 'string -> any', host: true },
    { name: 'json.is_valid', signature: 'string -> boolean', host: true },
    { name: 'yaml.marshal', signature: 'any -> string', host: true },
    { name: 'yaml.unmarshal', signature: 'string -> any', host: true },
    { name: 'yaml.is_valid', signature: 'string -> boolean', host: true },
  ],
};
