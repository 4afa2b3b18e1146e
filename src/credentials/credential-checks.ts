import { createHash, type X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';
import { parseSpiffeId, type Identity, type JwtVerifier } from '../identity/index.js';
import type { ApiKeySource } from './api-key-source.js';
import { API_KEY_REJECTED, type ApiKeyRecord } from './api-key-store.js';
import { apiKeyRefusal, certificateRefusal, tokenRefusal, type CredentialRules } from './credential-rules.js';
import type { CredentialWatch } from './credential-watch.js';

/** A subject credential checked: the identity it proves, or why it proves nothing. */
export type SubjectVerdict = { ok: true; identity: Identity } | { ok: false; reason: string };

/** What the certificate rules read of a connection (see ConnectionIdentity). */
export interface CertificateHolder {
  readonly requester: Identity;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly chain: readonly X509Certificate[];
}

/** Options of {@link CredentialChecks}. */
export interface CredentialChecksOptions {
  rules: CredentialRules;
  watch: CredentialWatch;
  /** The API key store (`apiKeys:`); without it every key is refused. */
  apiKeys?: ApiKeySource;
  /** Where a refused key's real reason goes (the caller only learns `api key rejected`). */
  logger: Logger;
  /** The clock, in ms since the epoch (default `Date.now`). */
  now?: () => number;
}

/** The identity an API key speaks for: its subject's SPIFFE parts when it is a SPIFFE ID. */
function keyIdentity(record: ApiKeyRecord): Identity {
  let parts: Omit<Identity, 'authenticated_by'> = { id: record.subject };
  try {
    parts = parseSpiffeId(record.subject);
  } catch {
    // A store edited by hand may hold another name: it is the subject as written.
  }
  return { ...parts, authenticated_by: 'api_key', key_id: record.id };
}

/**
 * Credential hygiene, one place for every door: the requester's certificate on each call (age,
 * lifetime), a subject token (verified, then its age), an API key (verified in constant time,
 * then its age and scope). Each use is watched: ages into `warden_credential_age_seconds`, and
 * an expiring credential alerted about once.
 */
export class CredentialChecks {
  private rules: CredentialRules;
  private readonly now: () => number;

  constructor(private readonly options: CredentialChecksOptions) {
    this.rules = options.rules;
    this.now = options.now ?? Date.now;
  }

  /** Applies reloaded `credentials:` rules (the key store follows its own file). */
  reconfigure(rules: CredentialRules): void {
    this.rules = rules;
    this.options.watch.reconfigure(rules);
  }

  /**
   * Why the connection's certificate may not be used now (not rotated), or `undefined`. A
   * connection without a certificate (the HTTP door's loopback plaintext mode, in-process calls)
   * has nothing to hold to the rules.
   */
  certificate(holder: CertificateHolder): string | undefined {
    if (holder.chain.length === 0) return undefined;
    const nowMs = this.now();
    const { watch } = this.options;
    const expiring = watch.expiring(holder.notAfter, nowMs);
    // The fingerprint is worked out only for a certificate about to be alerted on.
    const id = expiring ? (holder.chain[0]?.fingerprint256.replaceAll(':', '').toLowerCase() ?? 'unknown') : '';
    watch.used({ kind: 'certificate', subject: holder.requester.id, id, issuedMs: holder.notBefore, expiresMs: holder.notAfter }, nowMs);
    return certificateRefusal(this.rules, holder.notBefore, holder.notAfter, nowMs);
  }

  /** Verifies a subject token, then its age. Never rejects. */
  async token(jwt: JwtVerifier | undefined, token: string): Promise<SubjectVerdict> {
    if (!jwt) return { ok: false, reason: 'subject token rejected: JWT verification is not configured' };
    const verified = await jwt.verify(token);
    if (!verified.ok) return { ok: false, reason: `subject token rejected: ${verified.reason}` };
    const nowMs = this.now();
    const { iat, exp, jti } = verified.claims;
    const { watch } = this.options;
    const expiresMs = typeof exp === 'number' ? exp * 1000 : undefined;
    const id = watch.expiring(expiresMs, nowMs) ? (typeof jti === 'string' && jti !== '' ? jti : createHash('sha256').update(token).digest('hex').slice(0, 16)) : '';
    watch.used({ kind: 'token', subject: verified.identity.id, id, ...(typeof iat === 'number' ? { issuedMs: iat * 1000 } : {}), ...(expiresMs !== undefined ? { expiresMs } : {}) }, nowMs);
    const refused = tokenRefusal(this.rules, iat, nowMs);
    return refused ? { ok: false, reason: refused } : { ok: true, identity: verified.identity };
  }

  /**
   * Verifies an API key for a call to `service`. Every failure tells the caller only `api key
   * rejected`; the operational log says which (unknown, revoked, expired, out of scope), by key id.
   * A key that verifies but is older than `maxApiKeyAge` is refused as not rotated.
   */
  apiKey(key: string, service: string): SubjectVerdict {
    const nowMs = this.now();
    const { apiKeys, logger, watch } = this.options;
    const checked = apiKeys ? apiKeys.check(key, service, nowMs) : { ok: false as const, reason: API_KEY_REJECTED, why: 'API keys are not configured (apiKeys:)' };
    if (!checked.ok) {
      logger.info({ service, why: checked.why }, API_KEY_REJECTED);
      return { ok: false, reason: API_KEY_REJECTED };
    }
    const { record } = checked;
    watch.used({ kind: 'api_key', subject: record.subject, id: record.id, issuedMs: record.createdMs, ...(record.expiresMs !== undefined ? { expiresMs: record.expiresMs } : {}) }, nowMs);
    const refused = apiKeyRefusal(this.rules, record.createdMs, nowMs);
    return refused ? { ok: false, reason: refused } : { ok: true, identity: keyIdentity(record) };
  }
}
