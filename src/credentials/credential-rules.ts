import { parseDuration } from '../protection/duration.js';
import { ageText } from './age-text.js';
import { CredentialError } from './errors.js';

/** A limit as configured: in ms, and as written (the denial quotes it). */
export interface CredentialLimit {
  ms: number;
  text: string;
}

/** The `credentials:` section, checked: how old and how long-lived a credential may be. */
export interface CredentialRules {
  /** A client certificate issued (notBefore) longer ago is denied. */
  maxCertificateAge?: CredentialLimit;
  /** A client certificate valid (notBefore to notAfter) for longer is denied. */
  maxCertificateLifetime?: CredentialLimit;
  /** A subject token issued (`iat`) longer ago, or without `iat`, is denied. */
  maxTokenAge?: CredentialLimit;
  /** An API key created longer ago is denied (default 90d: keys are meant to be rotated). */
  maxApiKeyAge: CredentialLimit;
  /** A credential this close to its expiry raises `WardenCredentialExpiring` when used. */
  expiryWarning?: CredentialLimit;
}

/** The keys of `credentials:`. */
const KEYS = ['maxCertificateAge', 'maxCertificateLifetime', 'maxTokenAge', 'maxApiKeyAge', 'expiryWarning'] as const;

/** Defaults of {@link CredentialRules}. */
export const CREDENTIAL_DEFAULTS = { maxApiKeyAge: '90d' } as const;

function limit(value: unknown, key: string): CredentialLimit {
  try {
    const ms = parseDuration(value, `credentials.${key}`);
    return { ms, text: typeof value === 'string' ? value.trim() : ageText(ms) };
  } catch (e) {
    throw new CredentialError('credentials_invalid_config', (e as Error).message, { cause: e });
  }
}

/**
 * Reads the `credentials:` section of the config (absent: only the API key age default applies).
 *
 * @example
 * parseCredentialRules({ maxCertificateAge: '24h', maxTokenAge: '1h' })
 * @throws CredentialError `credentials_invalid_config` naming the key that is wrong
 */
export function parseCredentialRules(raw: unknown): CredentialRules {
  if (raw === undefined || raw === null) return { maxApiKeyAge: limit(CREDENTIAL_DEFAULTS.maxApiKeyAge, 'maxApiKeyAge') };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new CredentialError('credentials_invalid_config', 'credentials must be an object');
  const section = raw as Record<string, unknown>;
  const unknown = Object.keys(section).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new CredentialError('credentials_invalid_config', `credentials: unknown keys ${unknown.join(', ')} (known: ${KEYS.join(', ')})`);
  const rules: CredentialRules = { maxApiKeyAge: limit(section.maxApiKeyAge ?? CREDENTIAL_DEFAULTS.maxApiKeyAge, 'maxApiKeyAge') };
  for (const key of ['maxCertificateAge', 'maxCertificateLifetime', 'maxTokenAge', 'expiryWarning'] as const) {
    if (section[key] !== undefined) rules[key] = limit(section[key], key);
  }
  return rules;
}

/** The prefix of every denial for a credential that should have been rotated. */
export const NOT_ROTATED = 'credential not rotated';

function tooOld(what: string, ageMs: number, max: CredentialLimit): string | undefined {
  return ageMs > max.ms ? `${NOT_ROTATED}: ${what} issued ${ageText(ageMs, max.ms)} ago, at most ${max.text} allowed` : undefined;
}

/**
 * Why a client certificate valid from `notBefore` to `notAfter` (ms) may not be used at `nowMs`,
 * or `undefined`: `credential not rotated: certificate issued 3d ago, at most 24h allowed`, or
 * `… certificate valid for 90d, at most 30d allowed`.
 */
export function certificateRefusal(rules: CredentialRules, notBefore: number, notAfter: number, nowMs: number): string | undefined {
  const lifetime = rules.maxCertificateLifetime;
  if (lifetime && !(notAfter - notBefore <= lifetime.ms)) {
    return `${NOT_ROTATED}: certificate valid for ${ageText(notAfter - notBefore, lifetime.ms)}, at most ${lifetime.text} allowed`;
  }
  return rules.maxCertificateAge ? tooOld('certificate', nowMs - notBefore, rules.maxCertificateAge) : undefined;
}

/**
 * Why a verified token whose `iat` is `issuedAtS` (seconds, as JWT has it) may not be used at
 * `nowMs`, or `undefined`. With `maxTokenAge` set, a token without a usable `iat` is refused: its
 * age cannot be known.
 */
export function tokenRefusal(rules: CredentialRules, issuedAtS: unknown, nowMs: number): string | undefined {
  const max = rules.maxTokenAge;
  if (!max) return undefined;
  if (typeof issuedAtS !== 'number' || !Number.isFinite(issuedAtS)) return `${NOT_ROTATED}: token has no issue time (iat), at most ${max.text} old allowed`;
  return tooOld('token', nowMs - issuedAtS * 1000, max);
}

/** Why an API key created at `createdMs` may not be used at `nowMs`, or `undefined`. */
export function apiKeyRefusal(rules: CredentialRules, createdMs: number, nowMs: number): string | undefined {
  return tooOld('api key', nowMs - createdMs, rules.maxApiKeyAge);
}
