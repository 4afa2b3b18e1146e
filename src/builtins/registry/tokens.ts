import type { BuiltinGroup } from './declaration.js';

/** JSON Web Tokens. */
export const TOKENS: BuiltinGroup = {
  category: 'tokens',
  builtins: [
    { name: 'io.jwt.decode', signature: 'string -> array[any]', host: true, unchecked: true },
    { name: 'io.jwt.decode_verify', signature: 'string, object[string: any] -> array[any]', host: true, unchecked: true },
    { name: 'io.jwt.encode_sign', signature: 'object[string: any], object[string: any], object[string: any] -> string', categories: ['tokensign'], host: true, unchecked: true },
    { name: 'io.jwt.encode_sign_raw', signature: 'string, string, string -> string', categories: ['tokensign'], host: true, unchecked: true },
    { name: 'io.jwt.verify_rs256', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_rs384', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_rs512', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_ps256', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_ps384', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_ps512', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_es256', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_es384', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_es512', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_hs256', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_hs384', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_hs512', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'io.jwt.verify_eddsa', signature: 'string, string -> boolean', host: true, unchecked: true },
  ],
};
