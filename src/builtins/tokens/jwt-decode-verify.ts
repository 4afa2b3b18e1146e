import type { HostBuiltin } from '../host-builtin.js';
import { clockMs } from '../nondeterminism.js';
import type { RegoObject, RegoValue } from '../value.js';
import { jwsVerify, keysFromCertOrJwk, type VerificationKey } from './jws.js';
import {
  decodeHeader,
  headerValid,
  jsonObject,
  parseTokenHeader,
  splitToken,
  verifyWithKeys,
  type EncodedToken,
} from './jwt.js';
import { GoError, guarded } from '../errors.js';
import { base64UrlDecodeLenient } from '../encoding/encoding.js';
import { plainObjectArg } from '../operands.js';

const NAME = 'io.jwt.decode_verify';

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys: VerificationKey[] | undefined;
  /** Nanoseconds since the epoch. */
  time: number;
}

function timeFromValue(v: RegoValue): number {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw new GoError('token time constraint: must be a number');
  const t = Number(v);
  if (t < 0) throw new GoError('token time constraint: must not be negative');
  return t;
}

function stringConstraint(name: string, v: RegoValue): string {
  if (typeof v !== 'string') throw new GoError(`${name} constraint: must be a string`);
  return v;
}

function parseConstraints(o: RegoObject): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', keys: undefined, time: -1 };
  for (const key of Object.keys(o).sort()) {
    const v = o[key]!;
    switch (key) {
      case 'cert':
        if (typeof v !== 'string') throw new GoError('cert constraint: must be a string');
        c.keys = keysFromCertOrJwk(v);
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        c[key] = stringConstraint(key, v);
        break;
      case 'time':
        c.time = timeFromValue(v);
        break;
      default:
        throw new GoError(`unknown token validation constraint: ${key}`);
    }
  }
  if (c.time === -1) c.time = clockMs() * 1e6;
  const count = (c.keys !== undefined ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (count > 1) throw new GoError('duplicate key constraints');
  if (count < 1) throw new GoError('no key constraint');
  return c;
}

function signatureVerified(c: Constraints, kid: string, alg: string, token: EncodedToken, signature: Buffer): boolean {
  const data = Buffer.from(`${token.header}.${token.payload}`, 'utf8');
  if (c.keys !== undefined) return verifyWithKeys(c.keys, kid, alg, (k) => jwsVerify(k.key, alg, data, signature));
  return jwsVerify(Buffer.from(c.secret, 'utf8'), alg, data, signature);
}

function validAudience(c: Constraints, aud: RegoValue): boolean {
  if (typeof aud === 'string') return aud === c.aud;
  return Array.isArray(aud) && aud.some((e) => typeof e === 'string' && e === c.aud);
}

function numberOf(v: RegoValue): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

const UNVERIFIED: RegoValue = [false, {}, {}];

function decodeVerify(jwt: RegoValue | undefined, constraintsArg: RegoValue | undefined): RegoValue {
  const c = parseConstraints(plainObjectArg(NAME, constraintsArg, 2));
  let current: RegoValue | undefined = jwt;
  let header: RegoObject;
  let payloadText: string;
  for (;;) {
    const token = splitToken(NAME, current);
    header = decodeHeader(token);
    const h = parseTokenHeader(header);
    if (!headerValid(h)) return UNVERIFIED;
    if (c.alg !== '' && c.alg !== h.alg) return UNVERIFIED;
    let signature: Buffer;
    try {
      signature = base64UrlDecodeLenient(token.signature);
    } catch (e) {
      throw new GoError((e as Error).message);
    }
    if (!signatureVerified(c, h.kid, h.alg, token, signature)) return UNVERIFIED;
    try {
      payloadText = base64UrlDecodeLenient(token.payload).toString('utf8');
    } catch (e) {
      throw new GoError(`JWT payload had invalid encoding: ${(e as Error).message}`);
    }
    if (h.cty.toLowerCase() !== 'jwt') break;
    current = payloadText;
  }
  const payload = jsonObject(payloadText);
  if (c.iss !== '') {
    if (payload.iss === undefined || payload.iss !== c.iss) return UNVERIFIED;
  }
  if (payload.aud !== undefined) {
    if (!validAudience(c, payload.aud)) return UNVERIFIED;
  } else if (c.aud !== '') return UNVERIFIED;
  const now = c.time / 1e9;
  if (payload.exp !== undefined) {
    const exp = numberOf(payload.exp);
    if (exp === undefined) throw new GoError('exp value must be a number');
    if (now >= exp) return UNVERIFIED;
  }
  if (payload.nbf !== undefined) {
    const nbf = numberOf(payload.nbf);
    if (nbf === undefined) throw new GoError('nbf value must be a number');
    if (now < nbf) return UNVERIFIED;
  }
  return [true, header, payload];
}

/** io.jwt.decode_verify(jwt, constraints): [valid, header, payload]. */
export const jwtDecodeVerify: HostBuiltin = (jwt, constraints) => guarded(NAME, () => decodeVerify(jwt, constraints));
