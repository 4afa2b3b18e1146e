import type { AlertInput } from '../protection/alerts/alert.js';
import type { CredentialRules } from './credential-rules.js';

/** The kinds of credential a caller presents: `warden_credential_age_seconds{kind}`. */
export type CredentialKind = 'certificate' | 'token' | 'api_key';

/** One use of a credential: whose, which (never a secret), when it was issued and when it expires. */
export interface CredentialUse {
  kind: CredentialKind;
  /** The identity it speaks for. */
  subject: string;
  /** Names the credential without revealing it: a certificate's fingerprint, a token's `jti` or hash, a key's id. */
  id: string;
  issuedMs?: number;
  expiresMs?: number;
}

/** What the watch reports to. */
export interface CredentialWatchHooks {
  /** Each use's age, in seconds (`warden_credential_age_seconds`). */
  observeAge?: (kind: CredentialKind, seconds: number) => void;
  /** `WardenCredentialExpiring`, once per credential. */
  raise: (alert: AlertInput) => void;
}

/** Credentials already alerted about, at most this many remembered (the oldest forgotten first). */
const MAX_WARNED = 10_000;

/**
 * Watches the credentials callers present: their ages go to a histogram, and the first use of one
 * within `expiryWarning` of its expiry raises `WardenCredentialExpiring` (once per credential, for
 * as long as it is remembered; the alert lasts until the credential expires).
 */
export class CredentialWatch {
  private readonly warned = new Map<string, number>();

  constructor(
    private rules: CredentialRules,
    private readonly hooks: CredentialWatchHooks,
  ) {}

  /** Applies reloaded rules. */
  reconfigure(rules: CredentialRules): void {
    this.rules = rules;
  }

  /** Whether a credential expiring at `expiresMs` is close enough to it at `nowMs` to be alerted about. */
  expiring(expiresMs: number | undefined, nowMs: number): boolean {
    const warning = this.rules.expiryWarning;
    return warning !== undefined && expiresMs !== undefined && expiresMs - nowMs <= warning.ms;
  }

  /** Counts one use of `use` at `nowMs`, and alerts when it is expiring and was not alerted about yet. */
  used(use: CredentialUse, nowMs: number): void {
    if (use.issuedMs !== undefined) this.hooks.observeAge?.(use.kind, Math.max(0, nowMs - use.issuedMs) / 1000);
    if (!this.expiring(use.expiresMs, nowMs)) return;
    const credential = `${use.kind}:${use.id}`;
    if (this.warned.has(credential)) return;
    if (this.warned.size >= MAX_WARNED) this.warned.delete(this.warned.keys().next().value!);
    this.warned.set(credential, use.expiresMs!);
    const left = use.expiresMs! - nowMs;
    this.hooks.raise({
      kind: 'credential_expiring',
      subject: use.subject,
      credential,
      summary: `${use.subject} used ${use.kind.replace('_', ' ')} ${use.id}, which ${left > 0 ? `expires at ${new Date(use.expiresMs!).toISOString()}` : 'has expired'}`,
      endsAtMs: Math.max(use.expiresMs!, nowMs + 1000),
    });
  }
}
