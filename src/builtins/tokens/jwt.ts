import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, type RegoObject, type RegoValue } from '../value.js';
import { unmarshalJson } from '../encoding/json-text.js';
import { jwsVerify, keysFromCertOrJwk, type VerificationKey } from './jws.js';
import { GoError, guarded } from '../errors.js';
import { base64UrlDecodeLenient } from '../encoding/encoding.js';
import { stringArg } from '../operands.js';

/** A compact JWS split into its three encoded parts. */
export interface EncodedToken {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
}

export function splitToken(name: string, value: RegoValue | undefined): EncodedToken {
  const s = stringArg(name, value, 1);
  if (!s.includes('.')) throw new GoError('encoded JWT had no period separators');
  const parts = s.split('.');
  if (parts.length !== 3) throw new GoError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

function decodePart(what: string, part: string): Buffer {
  try {
    return base64UrlDecodeLenient(part);
  } catch (e) {
    throw new GoError(`JWT ${what} had invalid encoding: ${(e as Error).message}`);
  }
}

/** OPA's extractJSONObject: JSON text that must hold an object (last duplicate key wins). */
export function jsonObject(text: string): RegoObject {
  let v: RegoValue;
  try {
    v = unmarshalJson(text);
  } catch (e) {
    throw new GoError(`invalid JSON: ${(e as Error).message}`);
  }
  if (!isRegoObject(v)) throw new GoError('decoded JSON type was not an Object');
  return v;
}

export function decodeHeader(token: EncodedToken): RegoObject {
  const text = decodePart('header', token.header).toString('utf8');
  let header: RegoObject;
  try {
    header = jsonObject(text);
  } catch (e) {
    throw new GoError(`bad JWT header: ${(e as Error).message}`);
  }
  if (Object.prototype.hasOwnProperty.call(header, 'enc')) {
    throw new GoError('JWT is a JWE object, which is not supported');
  }
  return header;
}

function trimQuotes(s: string): string {
  return s.replace(/^["']+/, '').replace(/["']+$/, '');
}

function decodeToken(value: RegoValue | undefined): RegoValue {
  const token = splitToken('io.jwt.decode', value);
  const header = decodeHeader(token);
  const payloadText = decodePart('payload', token.payload).toString('utf8');
  if (header.cty === 'JWT') return decodeToken(trimQuotes(payloadText));
  const payload = jsonObject(payloadText);
  const signature = decodePart('signature', token.signature);
  return [header, payload, signature.toString('hex')];
}

export const jwtDecode: HostBuiltin = (jwt) => guarded('io.jwt.decode', () => decodeToken(jwt));

/** The header fields OPA interprets, with its per-field type errors. */
export interface TokenHeader {
  alg: string;
  kid: string;
  typ: string;
  cty: string;
  crit: Set<string>;
  unknown: string[];
}

export function parseTokenHeader(header: RegoObject): TokenHeader {
  const out: TokenHeader = { alg: '', kid: '', typ: '', cty: '', crit: new Set(), unknown: [] };
  for (const [k, v] of Object.entries(header)) {
    if (k === 'alg' || k === 'kid' || k === 'typ' || k === 'cty') {
      if (typeof v !== 'string') throw new GoError(`${k}: must be a string`);
      out[k] = v;
    } else if (k === 'crit') {
      if (!Array.isArray(v)) throw new GoError('crit: must be a list');
      for (const e of v) if (typeof e === 'string') out.crit.add(e);
      if (out.crit.size === 0) throw new GoError('crit: must be a nonempty list');
    } else out.unknown.push(k);
  }
  return out;
}

/** RFC 7515: `alg` present and no critical parameter left uninterpreted. */
export function headerValid(h: TokenHeader): boolean {
  return h.alg !== '' && !h.unknown.some((u) => h.crit.has(u));
}

/** The verify_* rule for a set of keys: the `kid` match alone if any, else any key that fits. */
export function verifyWithKeys(keys: VerificationKey[], kid: string, headerAlg: string, test: (k: VerificationKey) => boolean): boolean {
  if (kid !== '') {
    const byKid = keys.find((k) => k.kid === kid);
    if (byKid !== undefined) return test(byKid);
  }
  return keys.some((k) => (k.alg === '' || k.alg === headerAlg) && test(k));
}

function verifyAsymmetric(name: string, alg: string): HostBuiltin {
  return (jwt, cert) =>
    guarded(name, () => {
      const token = splitToken(name, jwt);
      const keys = keysFromCertOrJwk(stringArg(name, cert, 2));
      const signature = decodePart('signature', token.signature);
      const header = parseTokenHeader(decodeHeader(token));
      const data = Buffer.from(`${token.header}.${token.payload}`, 'utf8');
      return verifyWithKeys(keys, header.kid, header.alg, (k) => jwsVerify(k.key, alg, data, signature));
    });
}

function verifyHmac(name: string, alg: string): HostBuiltin {
  return (jwt, secret) =>
    guarded(name, () => {
      stringArg(name, jwt, 1);
      const key = Buffer.from(stringArg(name, secret, 2), 'utf8');
      const token = splitToken(name, jwt);
      const data = Buffer.from(`${token.header}.${token.payload}`, 'utf8');
      return jwsVerify(key, alg, data, decodePart('signature', token.signature));
    });
}

export const jwtVerifyBuiltins: Record<string, HostBuiltin> = {
  'io.jwt.decode': jwtDecode,
  'io.jwt.verify_rs256': verifyAsymmetric('io.jwt.verify_rs256', 'RS256'),
  'io.jwt.verify_rs384': verifyAsymmetric('io.jwt.verify_rs384', 'RS384'),
  'io.jwt.verify_rs512': verifyAsymmetric('io.jwt.verify_rs512', 'RS512'),
  'io.jwt.verify_ps256': verifyAsymmetric('io.jwt.verify_ps256', 'PS256'),
  'io.jwt.verify_ps384': verifyAsymmetric('io.jwt.verify_ps384', 'PS384'),
  'io.jwt.verify_ps512': verifyAsymmetric('io.jwt.verify_ps512', 'PS512'),
  'io.jwt.verify_es256': verifyAsymmetric('io.jwt.verify_es256', 'ES256'),
  'io.jwt.verify_es384': verifyAsymmetric('io.jwt.verify_es384', 'ES384'),
  'io.jwt.verify_es512': verifyAsymmetric('io.jwt.verify_es512', 'ES512'),
  'io.jwt.verify_eddsa': verifyAsymmetric('io.jwt.verify_eddsa', 'EdDSA'),
  'io.jwt.verify_hs256': verifyHmac('io.jwt.verify_hs256', 'HS256'),
  'io.jwt.verify_hs384': verifyHmac('io.jwt.verify_hs384', 'HS384'),
  'io.jwt.verify_hs512': verifyHmac('io.jwt.verify_hs512', 'HS512'),
};
