import {
  X509Certificate,
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { pemDecode } from '../crypto/pem.js';
import { GoError } from '../errors.js';

// JWS signing and verification with node:crypto, synchronously (host builtins cannot await, so
// jose's WebCrypto-based API is not usable here).

export const TOKEN_ALGORITHMS = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA',
]);

/** A key as a JWK/JWKS entry, certificate or public key gives it: asymmetric or a shared secret. */
export type JwsKey = KeyObject | Buffer;

export interface VerificationKey {
  readonly key: JwsKey;
  readonly alg: string;
  readonly kid: string;
}

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

export function hashOf(alg: string): string | undefined {
  return HASHES[alg.slice(2)];
}

const EC_SIZES: Record<string, number> = { prime256v1: 32, secp384r1: 48, secp521r1: 66 };

/** r||s of any even length (Go splits it in halves) to the fixed-width form node:crypto verifies. */
function ecSignature(key: KeyObject, sig: Buffer): Buffer | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const size = curve === undefined ? undefined : EC_SIZES[curve];
  if (size === undefined || sig.length === 0 || sig.length % 2 !== 0) return undefined;
  const half = sig.length / 2;
  const part = (b: Buffer): Buffer | undefined => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const t = b.subarray(i);
    return t.length > size ? undefined : Buffer.concat([Buffer.alloc(size - t.length), t]);
  };
  const r = part(sig.subarray(0, half));
  const s = part(sig.subarray(half));
  return r === undefined || s === undefined ? undefined : Buffer.concat([r, s]);
}

function publicOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

/** Whether `signature` is `alg`'s signature of `data` under `key`; any mismatch is simply false. */
export function jwsVerify(key: JwsKey, alg: string, data: Buffer, signature: Buffer, digest?: string): boolean {
  try {
    if (alg.startsWith('HS')) {
      const h = hashOf(alg);
      if (!Buffer.isBuffer(key) || h === undefined) return false;
      const mac = createHmac(h, key).update(data).digest();
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    if (Buffer.isBuffer(key)) return false;
    const pub = publicOf(key);
    const type = pub.asymmetricKeyType;
    if (alg === 'EdDSA') return type === 'ed25519' && cryptoVerify(null, data, pub, signature);
    const h = digest ?? hashOf(alg);
    if (h === undefined) return false;
    if (alg.startsWith('RS')) {
      return type === 'rsa' && cryptoVerify(h, data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, signature);
    }
    if (alg.startsWith('PS')) {
      return (
        (type === 'rsa' || type === 'rsa-pss') &&
        cryptoVerify(
          h,
          data,
          { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          signature,
        )
      );
    }
    if (alg.startsWith('ES')) {
      if (type !== 'ec') return false;
      const sig = ecSignature(pub, signature);
      return sig !== undefined && cryptoVerify(h, data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig);
    }
    return false;
  } catch {
    return false;
  }
}

/** `alg`'s signature of `data`; errors when the key does not suit the algorithm. */
export function jwsSign(key: JwsKey, alg: string, data: Buffer): Buffer {
  if (alg.startsWith('HS')) {
    if (!Buffer.isBuffer(key)) throw new GoError(`invalid key type for algorithm ${alg}: expected a symmetric key`);
    return createHmac(hashOf(alg)!, key).update(data).digest();
  }
  if (Buffer.isBuffer(key) || key.type !== 'private') {
    throw new GoError(`invalid key type for algorithm ${alg}: expected a private key`);
  }
  const type = key.asymmetricKeyType;
  if (alg === 'EdDSA') {
    if (type !== 'ed25519') throw new GoError(`invalid key type for algorithm ${alg}: expected an Ed25519 key`);
    return cryptoSign(null, data, key);
  }
  const h = hashOf(alg)!;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (type !== 'rsa') throw new GoError(`invalid key type for algorithm ${alg}: expected an RSA key`);
    const padding = alg.startsWith('RS') ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_PSS_PADDING;
    return cryptoSign(h, data, { key, padding, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  }
  if (type !== 'ec') throw new GoError(`invalid key type for algorithm ${alg}: expected an ECDSA key`);
  return cryptoSign(h, data, { key, dsaEncoding: 'ieee-p1363' });
}

function jwkToKey(jwk: Record<string, unknown>, wantPrivate: boolean): JwsKey {
  if (typeof jwk.kty !== 'string') throw new GoError('invalid JWK: missing "kty"');
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new GoError('invalid JWK: missing "k"');
    return Buffer.from(jwk.k, 'base64url');
  }
  const j = jwk as JsonWebKey;
  if (wantPrivate && typeof jwk.d === 'string') return createPrivateKey({ key: j, format: 'jwk' });
  return createPublicKey({ key: j, format: 'jwk' });
}

/** The keys of a JWK or JWK Set text, each with its `alg` and `kid` (empty when absent). */
export function parseJwkSet(text: string, wantPrivate: boolean): VerificationKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new GoError(`failed to unmarshal JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GoError('invalid JWK: not a JSON object');
  }
  const obj = parsed as Record<string, unknown>;
  const list = Array.isArray(obj.keys) ? (obj.keys as unknown[]) : [obj];
  return list.map((entry) => {
    if (entry === null || typeof entry !== 'object') throw new GoError('invalid JWK: not a JSON object');
    const e = entry as Record<string, unknown>;
    let key: JwsKey;
    try {
      key = jwkToKey(e, wantPrivate);
    } catch (err) {
      if (err instanceof GoError) throw err;
      throw new GoError(`invalid JWK: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { key, alg: typeof e.alg === 'string' ? e.alg : '', kid: typeof e.kid === 'string' ? e.kid : '' };
  });
}

/**
 * OPA's getKeysFromCertOrJWK: a PEM certificate or public key, else a JWK or JWK Set (keys naming
 * an algorithm OPA does not know are skipped).
 */
export function keysFromCertOrJwk(text: string): VerificationKey[] {
  const { block, rest } = pemDecode(text);
  if (block !== undefined) {
    if (rest.length > 0) throw new GoError('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      try {
        return [{ key: new X509Certificate(block.bytes).publicKey, alg: '', kid: '' }];
      } catch (e) {
        throw new GoError(`failed to parse a PEM certificate: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: createPublicKey({ key: block.bytes, format: 'der', type: 'spki' }), alg: '', kid: '' }];
      } catch (e) {
        throw new GoError(`failed to parse a PEM public key: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    throw new GoError('failed to extract a Key from the PEM certificate');
  }
  let keys: VerificationKey[];
  try {
    keys = parseJwkSet(text, false);
  } catch (e) {
    throw new GoError(`failed to parse a JWK key (set): ${e instanceof Error ? e.message : String(e)}`);
  }
  return keys.filter((k) => k.alg === '' || TOKEN_ALGORITHMS.has(k.alg));
}
