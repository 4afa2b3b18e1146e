import type { BuiltinGroup } from './declaration.js';

/** Cryptography: digests, HMACs, X.509 and keys. */
export const CRYPTO: BuiltinGroup = {
  category: 'crypto',
  builtins: [
    { name: 'crypto.md5', signature: 'string -> string', host: true },
    { name: 'crypto.sha1', signature: 'string -> string', host: true },
    { name: 'crypto.sha256', signature: 'string -> string', host: true },
    { name: 'crypto.hmac.md5', signature: 'string, string -> string', host: true },
    { name: 'crypto.hmac.sha1', signature: 'string, string -> string', host: true },
    { name: 'crypto.hmac.sha256', signature: 'string, string -> string', host: true },
    { name: 'crypto.hmac.sha512', signature: 'string, string -> string', host: true },
    { name: 'crypto.hmac.equal', signature: 'string, string -> boolean', host: true, unchecked: true },
    { name: 'crypto.x509.parse_certificates', signature: 'string -> array[object[string: any]]', host: true, unchecked: true },
    { name: 'crypto.x509.parse_and_verify_certificates', signature: 'string -> array[any]', host: true, unchecked: true },
    { name: 'crypto.x509.parse_and_verify_certificates_with_options', signature: 'string, object[string: any] -> array[any]', host: true, unchecked: true },
    { name: 'crypto.x509.parse_certificate_request', signature: 'string -> object[string: any]', host: true, unchecked: true },
    { name: 'crypto.x509.parse_keypair', signature: 'string, string -> object[string: any]', host: true, unchecked: true },
    { name: 'crypto.x509.parse_rsa_private_key', signature: 'string -> object[string: any]', host: true, unchecked: true },
    { name: 'crypto.parse_private_keys', signature: 'string -> array[object[string: any]]', host: true, unchecked: true },
  ],
};
