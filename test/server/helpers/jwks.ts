/** Signing keys and a JWKS file for tests. */
import { writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

type CryptoKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, jwk };
}

export function writeJwks(file: string, keys: SigningKey[], extra: JWK[] = []): void {
  writeFileSync(file, JSON.stringify({ keys: [...keys.map((k) => k.jwk), ...extra] }));
}

export const ISSUER = 'https://issuer.example.org';
export const AUDIENCE = 'warden';

export async function token(key: SigningKey, claims: JWTPayload = {}, opts: { exp?: number | string; nbf?: number | string; iss?: string; aud?: string; kid?: string; iat?: number | null } = {}): Promise<string> {
  const jwt = new SignJWT({ sub: 'system:serviceaccount:shop:billing', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: opts.kid ?? key.kid, typ: 'JWT' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setExpirationTime(opts.exp ?? '5m');
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  // `iat: null` leaves the token without an issue time.
  if (opts.iat !== null) jwt.setIssuedAt(opts.iat);
  return jwt.sign(key.privateKey);
}

/** An unsecured JWT (`alg: none`). */
export function unsecuredToken(claims: JWTPayload): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}
