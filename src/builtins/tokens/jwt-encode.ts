import type { HostBuiltin } from '../host-builtin.js';
import type { RegoValue } from '../value.js';
import { isValidJson, marshalJson } from '../encoding/json-text.js';
import { TOKEN_ALGORITHMS, jwsSign, parseJwkSet } from './jws.js';
import { GoError, guarded } from '../errors.js';
import { base64UrlEncodeRaw } from '../encoding/encoding.js';
import { stringArg } from '../operands.js';

type HeaderField = { ok: true; value: string } | { ok: false; error: string };

/** A string header field as jwsbb.HeaderGetString reads it from the raw header JSON. */
function headerString(raw: string, field: string): HeaderField {
  if (raw.trim() === '') return { ok: false, error: 'cannot parse JSON: cannot parse empty string' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    return { ok: false, error: `cannot parse JSON: ${(e as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, error: 'cannot parse JSON: value is not an object' };
  }
  if (!Object.prototype.hasOwnProperty.call(parsed, field)) {
    return { ok: false, error: `jwsbb: header "${field}" not found` };
  }
  const v = (parsed as Record<string, unknown>)[field];
  if (typeof v !== 'string') return { ok: false, error: `jwsbb: header "${field}" is not a string` };
  return { ok: true, value: v };
}

/** OPA's commonBuiltinJWTEncodeSign over the raw header, payload and JWK texts. */
export function encodeSign(rawHeader: string, rawPayload: string, jwkText: string): string {
  const keys = parseJwkSet(jwkText, true);
  if (keys.length === 0) throw new GoError('no keys found in JWK set');
  const alg = headerString(rawHeader, 'alg');
  if (!alg.ok) throw new GoError(`missing or invalid 'alg' header: ${alg.error}`);
  if (!TOKEN_ALGORITHMS.has(alg.value)) throw new GoError(`unknown JWS algorithm: ${alg.value}`);
  const typ = headerString(rawHeader, 'typ');
  if ((!typ.ok || typ.value === 'JWT') && !isValidJson(rawPayload)) {
    throw new GoError('type is JWT but payload is not JSON');
  }
  const signingInput = `${base64UrlEncodeRaw(rawHeader)}.${base64UrlEncodeRaw(rawPayload)}`;
  const signature = jwsSign(keys[0]!.key, alg.value, Buffer.from(signingInput, 'utf8'));
  return `${signingInput}.${signature.toString('base64url')}`;
}

export const jwtEncodeSignRaw: HostBuiltin = (headers, payload, key) =>
  guarded('io.jwt.encode_sign_raw', () => {
    const jwk = stringArg('io.jwt.encode_sign_raw', key, 3);
    const h = stringArg('io.jwt.encode_sign_raw', headers, 1);
    const p = stringArg('io.jwt.encode_sign_raw', payload, 2);
    return encodeSign(h, p, jwk);
  });

function json(v: RegoValue | undefined): string {
  return marshalJson(v ?? null);
}

export const jwtEncodeSign: HostBuiltin = (headers, payload, key) =>
  guarded('io.jwt.encode_sign', () => encodeSign(json(headers), json(payload), json(key)));
