import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseSpiffeId } from '../identity/spiffe-id.js';
import { apiKeyRecordsOf, apiKeyState, LATEST_TIME_MS, type ApiKeyRecord } from './api-key-record.js';
import { CredentialError } from './errors.js';

export type { ApiKeyRecord, ApiKeyState } from './api-key-record.js';
export { apiKeyState } from './api-key-record.js';

/** A key checked: whose it is and what it may call, or that it does not open anything. */
export type ApiKeyCheck = { ok: true; record: ApiKeyRecord } | { ok: false; reason: string };

/** The prefix secret scanners can match: `wdn_<id>_<secret>`. */
export const API_KEY_PREFIX = 'wdn_';
const KEY_SHAPE = /^wdn_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * The id in `text` when it is a whole key (`wdn_<id>_<secret>`, or anything with the prefix), else
 * `text` itself: a leaked key can be revoked as it was found, and its secret is never repeated in a
 * message about it.
 *
 * @example
 * apiKeyIdOf('wdn_abcdefghijklmnop_…'); // 'abcdefghijklmnop'
 */
export function apiKeyIdOf(text: string): string {
  return text.startsWith(API_KEY_PREFIX) ? text.slice(API_KEY_PREFIX.length).split('_', 1)[0]! : text;
}

/** The one reason every failed key gets, so that it helps no one guess (the log has the rest). */
export const API_KEY_REJECTED = 'api key rejected';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The longest TTL or grace a key can be given: 100 years, so that every expiry is a date that can be shown. */
export const LONGEST_KEY_DURATION_MS = 36_500 * 86_400_000;

function checkDuration(name: 'ttl' | 'grace', ms: number, nowMs: number): void {
  const shortest = name === 'grace' ? 0 : Number.MIN_VALUE;
  if (!(ms >= shortest && ms <= LONGEST_KEY_DURATION_MS && nowMs + ms <= LATEST_TIME_MS)) {
    const range = name === 'grace' ? 'from 0 to 36500d (100 years)' : 'positive and at most 36500d (100 years)';
    throw new CredentialError('credentials_invalid_request', `an API key's ${name} must be ${range}, not ${ms} ms`);
  }
}

/** JSON.parse, whose message would quote the text: a wrong path could name a file that holds a secret. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('not JSON (a store is {"keys": [...]})');
  }
}

function keyId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(16)].map((b) => alphabet[b & 31]).join('');
}

/**
 * The API keys of one store file: created, listed, revoked, rotated and checked. The file holds
 * JSON records without secrets, written whole to a temporary file and renamed over (never half
 * written), readable by its owner only (mode 0600).
 */
export class ApiKeyStore {
  private records: ApiKeyRecord[];

  /** @throws CredentialError `credentials_key_store` when the file exists but cannot be read as a store (which record and field is wrong) */
  constructor(readonly file: string) {
    this.records = ApiKeyStore.read(file);
  }

  private static read(file: string): ApiKeyRecord[] {
    if (!existsSync(file)) return [];
    try {
      return apiKeyRecordsOf(parseJson(readFileSync(file, 'utf8')));
    } catch (e) {
      throw new CredentialError('credentials_key_store', `cannot read API key store ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Writes `records` and only then holds them, so the store never claims what its file does not. */
  private commit(records: ApiKeyRecord[]): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const fd = openSync(temporary, 'w', 0o600);
      try {
        // The mode given to open applies only to a new file: a temporary file left by a crash keeps its own.
        fchmodSync(fd, 0o600);
        writeFileSync(fd, `${JSON.stringify({ keys: records }, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.file);
    } catch (e) {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Nothing was written there (the directory itself is the trouble): the error below says why.
      }
      throw new CredentialError('credentials_key_store', `cannot write API key store ${this.file}: ${(e as Error).message}`, { cause: e });
    }
    this.records = records;
  }

  /** The keys, without secrets (there are none to show). */
  list(): readonly ApiKeyRecord[] {
    return this.records;
  }

  /**
   * A new key for `subject`; the returned key is the only time its secret exists outside the caller.
   *
   * @example
   * const { key, record } = new ApiKeyStore('keys.json').create('spiffe://example.org/ns/shop/sa/legacy', { nowMs: Date.now(), ttlMs: 30 * 86_400_000 });
   * @throws IdentityError `identity_invalid_spiffe_id` when `subject` is not a SPIFFE ID
   * @throws CredentialError `credentials_invalid_request` for an empty service name or a TTL that is
   *   not positive or longer than 100 years; `credentials_key_store` when the file cannot be written
   */
  create(subject: string, options: { nowMs: number; ttlMs?: number; services?: string[] }): { key: string; record: ApiKeyRecord } {
    parseSpiffeId(subject);
    if (options.services?.some((s) => s.trim() === '')) throw new CredentialError('credentials_invalid_request', 'a service name must not be empty');
    const created = this.newKey(subject, options.services ?? [], options.nowMs, options.ttlMs);
    this.commit([...this.records, created.record]);
    return created;
  }

  private newKey(subject: string, services: string[], nowMs: number, ttlMs: number | undefined): { key: string; record: ApiKeyRecord } {
    if (ttlMs !== undefined) checkDuration('ttl', ttlMs, nowMs);
    const id = keyId();
    const secret = randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = {
      id,
      subject,
      createdMs: nowMs,
      ...(ttlMs !== undefined ? { expiresMs: nowMs + ttlMs } : {}),
      services: [...new Set(services)],
      secretSha256: sha256(secret),
    };
    return { key: `${API_KEY_PREFIX}${id}_${secret}`, record };
  }

  private find(idOrKey: string): ApiKeyRecord {
    const id = apiKeyIdOf(idOrKey);
    const record = this.records.find((r) => r.id === id);
    if (!record) throw new CredentialError('credentials_unknown_key', `no API key ${id} in ${this.file}`);
    return record;
  }

  /**
   * Stops a key, given by its id or whole (as a leak was found); the record stays, so that the key
   * is listed as revoked. Revoking it again changes nothing.
   *
   * @throws CredentialError `credentials_unknown_key`, `credentials_key_store`
   */
  revoke(idOrKey: string): ApiKeyRecord {
    const revoked = { ...this.find(idOrKey), revoked: true };
    this.commit(this.records.map((r) => (r.id === revoked.id ? revoked : r)));
    return revoked;
  }

  /**
   * A new key for the same subject and services, for `ttlMs` or else as long as the old key was
   * given (no expiry only if it had none); the old one works for `graceMs` more (or until its own
   * expiry, if sooner), then stops. A revoked or expired key is not rotated: a key that opens
   * nothing has nothing to hand over, and a revoked key must not gain a successor.
   *
   * @returns the new key and record, and the old record with its new expiry
   * @throws CredentialError `credentials_unknown_key`, `credentials_key_not_active`,
   *   `credentials_invalid_request` (grace or TTL out of range), `credentials_key_store`
   */
  rotate(idOrKey: string, options: { nowMs: number; graceMs: number; ttlMs?: number }): { key: string; record: ApiKeyRecord; old: ApiKeyRecord } {
    const current = this.find(idOrKey);
    const state = apiKeyState(current, options.nowMs);
    if (state !== 'active') throw new CredentialError('credentials_key_not_active', `API key ${current.id} is ${state}: there is nothing to rotate (create a new key instead)`);
    checkDuration('grace', options.graceMs, options.nowMs);
    const ends = options.nowMs + options.graceMs;
    const old = { ...current, expiresMs: Math.min(current.expiresMs ?? ends, ends) };
    // A rotation must not quietly turn a key that expires into one that never does.
    const ttlMs = options.ttlMs ?? (current.expiresMs === undefined ? undefined : current.expiresMs - current.createdMs);
    const fresh = this.newKey(current.subject, current.services, options.nowMs, ttlMs);
    this.commit([...this.records.map((r) => (r.id === current.id ? old : r)), fresh.record]);
    return { ...fresh, old };
  }

  /**
   * Checks a presented key for a call to `service` at `nowMs`: unknown, malformed, revoked, expired
   * or out of scope all fail with the same reason to the caller; `why` says which, for the log. The
   * secret is compared in constant time. (How old a key may be is a credential rule: apiKeyRefusal.)
   */
  check(key: string, service: string, nowMs: number): ApiKeyCheck & { why?: string } {
    const fail = (why: string) => ({ ok: false as const, reason: API_KEY_REJECTED, why });
    const shape = KEY_SHAPE.exec(key);
    if (!shape) return fail('not an API key');
    const record = this.records.find((r) => r.id === shape[1]);
    // The hash is compared even for an unknown id, so timing does not tell known ids apart.
    const presented = Buffer.from(sha256(shape[2]!), 'hex');
    const stored = Buffer.from(record?.secretSha256 ?? '0'.repeat(64), 'hex');
    const matches = stored.length === presented.length && timingSafeEqual(stored, presented);
    if (!record || !matches) return fail('unknown key');
    if (record.revoked) return fail(`key ${record.id} revoked`);
    if (record.expiresMs !== undefined && nowMs >= record.expiresMs) return fail(`key ${record.id} expired`);
    if (record.services.length > 0 && !record.services.includes(service)) return fail(`key ${record.id} may not call ${service}`);
    return { ok: true, record };
  }
}
