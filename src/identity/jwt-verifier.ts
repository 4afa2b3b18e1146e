import { errors, jwtVerify, type JWTPayload } from 'jose';
import { IdentityError } from './errors.js';
import { JwksSource } from './jwks-source.js';
import { parseSpiffeId } from './spiffe-id.js';
import type { Identity } from './types.js';

/** Asymmetric algorithms accepted by default. HMAC and `none` can never be enabled. */
export const DEFAULT_JWT_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Options of {@link JwtVerifier}. */
export interface JwtVerifierOptions {
  /** JWKS file path or `http(s)://` URL. */
  jwks: string;
  /** The `iss` tokens must carry (`--jwt-issuer`); the constructor refuses a verifier without it. */
  issuer?: string;
  /** The `aud` tokens must carry, or one of them (`--jwt-audience`); the constructor refuses a verifier without it. */
  audience?: string | string[];
  /** Allowed `alg`s (default {@link DEFAULT_JWT_ALGORITHMS}). */
  algorithms?: string[];
  /** Leeway for `exp` / `nbf` / `iat`, in seconds (default 30). */
  clockToleranceSeconds?: number;
  /** Whether a token must carry `exp` (default true). */
  requireExpiry?: boolean;
  /** Shortest time between JWKS refreshes caused by unknown `kid`s (default 30 s). */
  refreshCooldownMs?: number;
}

/** Stable codes of a rejected token. */
export type JwtRejectionCode =
  | 'jwt_malformed'
  | 'jwt_expired'
  | 'jwt_not_yet_valid'
  | 'jwt_claim_invalid'
  | 'jwt_algorithm_not_allowed'
  | 'jwt_unknown_key'
  | 'jwt_signature_invalid'
  | 'jwt_keys_unavailable';

/** The outcome of {@link JwtVerifier.verify}: never an exception. */
export type JwtVerification =
  | { ok: true; identity: Identity; claims: JWTPayload }
  | { ok: false; code: JwtRejectionCode; reason: string };

/** The identity a verified token names: a SPIFFE `sub`, a Kubernetes service account, or the bare `sub`. */
export function identityFromClaims(claims: JWTPayload): Identity {
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const base: Identity = { id: sub, authenticated_by: 'jwt', claims: claims as Record<string, unknown> };
  if (sub.startsWith('spiffe://')) {
    try {
      return { ...parseSpiffeId(sub), authenticated_by: 'jwt', claims: claims as Record<string, unknown> };
    } catch {
      return base;
    }
  }
  const k8s = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub);
  if (k8s) return { ...base, namespace: k8s[1], service_account: k8s[2] };
  return base;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * Checks the settings every verifier needs: a JWKS, an issuer and an audience. Without an issuer or
 * audience jose checks none, so tokens minted for anyone else would be accepted.
 * The message names each missing setting as its `warden serve` flag and its `--config` key.
 */
function validateJwtOptions(options: JwtVerifierOptions): void {
  const missing: string[] = [];
  if (!nonEmpty(options.jwks)) missing.push('--jwks (jwt.jwks)');
  if (!nonEmpty(options.issuer)) missing.push('--jwt-issuer (jwt.issuer)');
  const { audience } = options;
  if (!(nonEmpty(audience) || (Array.isArray(audience) && audience.length > 0 && audience.every(nonEmpty)))) missing.push('--jwt-audience (jwt.audience)');
  if (missing.length > 0) {
    throw new IdentityError('identity_invalid_config', `JWT verification needs ${missing.join(' and ')}: without ${missing.length === 1 ? 'it' : 'them'}, tokens for any issuer or audience would be accepted`);
  }
}

function rejection(e: unknown): { code: JwtRejectionCode; reason: string } {
  if (e instanceof errors.JWTExpired) return { code: 'jwt_expired', reason: 'token expired' };
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf' || (e.claim === 'iat' && e.reason === 'check_failed')) return { code: 'jwt_not_yet_valid', reason: `token not yet valid (${e.claim})` };
    return { code: 'jwt_claim_invalid', reason: `token claim "${e.claim}" ${e.reason === 'missing' ? 'missing' : 'invalid'}` };
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return { code: 'jwt_algorithm_not_allowed', reason: 'token algorithm not allowed' };
  if (e instanceof errors.JWKSNoMatchingKey) return { code: 'jwt_unknown_key', reason: 'no key matches the token' };
  if (e instanceof errors.JWKSMultipleMatchingKeys) return { code: 'jwt_unknown_key', reason: 'token names no kid and several keys match' };
  if (e instanceof errors.JWSSignatureVerificationFailed) return { code: 'jwt_signature_invalid', reason: 'token signature invalid' };
  if (e instanceof IdentityError) return { code: 'jwt_keys_unavailable', reason: 'token keys unavailable' };
  return { code: 'jwt_malformed', reason: 'token malformed' };
}

/**
 * Verifies service-account JWTs against a JWKS: signature with an allowed asymmetric algorithm,
 * issuer, audience, and `exp`/`nbf` with a small leeway. A bad token yields a reason, never an exception.
 *
 * @example
 * const verifier = new JwtVerifier({ jwks: 'jwks.json', issuer: 'https://issuer', audience: 'warden' });
 * const r = await verifier.verify(token);
 * if (!r.ok) deny(r.reason);
 * @throws IdentityError `identity_invalid_config` from the constructor when the JWKS, issuer or audience is
 *   missing (the message names the flag), or the allow-list names HMAC or `none`
 */
export class JwtVerifier {
  readonly keys: JwksSource;
  private readonly options: JwtVerifierOptions;
  private readonly algorithms: string[];

  constructor(options: JwtVerifierOptions) {
    validateJwtOptions(options);
    this.options = options;
    this.algorithms = options.algorithms ?? [...DEFAULT_JWT_ALGORITHMS];
    const bad = this.algorithms.filter((a) => a.toLowerCase() === 'none' || /^HS/i.test(a));
    if (bad.length > 0) throw new IdentityError('identity_invalid_config', `JWT algorithms not allowed: ${bad.join(', ')} (only asymmetric algorithms)`);
    if (this.algorithms.length === 0) throw new IdentityError('identity_invalid_config', 'the JWT algorithm allow-list is empty');
    this.keys = new JwksSource({ location: options.jwks, refreshCooldownMs: options.refreshCooldownMs });
  }

  /** Loads the key set; call once at startup to fail fast on a missing JWKS. */
  async start(): Promise<void> {
    await this.keys.load();
  }

  /** Verifies `token`; resolves to the identity it names, or to a reason for rejecting it. */
  async verify(token: string): Promise<JwtVerification> {
    try {
      const { payload } = await jwtVerify(token, this.keys.resolver, {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        requiredClaims: this.options.requireExpiry === false ? [] : ['exp'],
      });
      return { ok: true, identity: identityFromClaims(payload), claims: payload };
    } catch (e) {
      return { ok: false, ...rejection(e) };
    }
  }
}
