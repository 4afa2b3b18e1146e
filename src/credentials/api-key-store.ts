import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CredentialError } from './errors.js';

/** What the store keeps of a key: never its secret, only a hash of it. */
export interface ApiKeyRecord {
  id: string;
  /** The SPIFFE ID the key speaks for. */
  subject: string;
  createdMs: number;
  /** When it stops working (its TTL, or the end of a rotation's grace), if ever. */
  expiresMs?: number;
  /** Services it may call; all when empty. */
  services: string[];
  /** SHA-256 of the secret, hex. The secret has 256 bits of randomness: a slow hash would add nothing. */
  secretSha256: string;
  revoked?: boolean;
}

/** A key checked: whose it is and what it may call, or that it does not open anything. */
export type ApiKeyCheck = { ok: true; record: ApiKeyRecord } | { ok: false; reason: string };

/** The prefix secret scanners can match: `wdn_<id>_<secret>`. */
export const API_KEY_PREFIX = 'wdn_';
const KEY_SHAPE = /^wdn_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;

/** The one reason every failed key gets, so that it helps no one guess (the log has the rest). */
export const API_KEY_REJECTED = 'api key rejected';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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

  /** @throws CredentialError `credentials_key_store` when the file exists but cannot be read as a store */
  constructor(readonly file: string) {
    this.records = ApiKeyStore.read(file);
  }

  private static read(file: string): ApiKeyRecord[] {
    if (!existsSync(file)) return [];
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown };
      if (!Array.isArray(parsed.keys)) throw new Error('no "keys" list');
      return parsed.keys as ApiKeyRecord[];
    } catch (e) {
      throw new CredentialError('credentials_key_store', `cannot read API key store ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  private save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ keys: this.records }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }

  /** The keys, without secrets (there are none to show). */
  list(): readonly ApiKeyRecord[] {
    return this.records;
  }

  /** A new key for `subject`; the returned key is the only time its secret exists outside the caller. */
  create(subject: string, options: { nowMs: number; ttlMs?: number; services?: string[] }): { key: string; record: ApiKeyRecord } {
    const id = keyId();
    const secret = randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = {
      id,
      subject,
      createdMs: options.nowMs,
      ...(options.ttlMs !== undefined ? { expiresMs: options.nowMs + options.ttlMs } : {}),
      services: options.services ?? [],
      secretSha256: sha256(secret),
    };
    this.records.push(record);
    this.save();
    return { key: `${API_KEY_PREFIX}${id}_${secret}`, record };
  }

  private find(id: string): ApiKeyRecord {
    const record = this.records.find((r) => r.id === id);
    if (!record) throw new CredentialError('credentials_unknown_key', `no API key ${id} in ${this.file}`);
    return record;
  }

  /** Stops a key at once. */
  revoke(id: string): void {
    this.find(id).revoked = true;
    this.save();
  }

  /** A new key for the same subject and services; the old one works for `graceMs` more, then stops. */
  rotate(id: string, options: { nowMs: number; graceMs: number; ttlMs?: number }): { key: string; record: ApiKeyRecord } {
    const old = this.find(id);
    const ends = options.nowMs + options.graceMs;
    old.expiresMs = old.expiresMs === undefined ? ends : Math.min(old.expiresMs, ends);
    return this.create(old.subject, { nowMs: options.nowMs, services: old.services, ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}) });
  }

  /**
   * Checks a presented key for a call to `service` at `nowMs`: unknown, malformed, revoked, expired,
   * older than `maxAgeMs` or out of scope all fail with the same reason to the caller; `why` says
   * which, for the log. The secret is compared in constant time.
   */
  check(key: string, service: string, nowMs: number, maxAgeMs = Number.POSITIVE_INFINITY): ApiKeyCheck & { why?: string } {
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
    if (nowMs - record.createdMs > maxAgeMs) return fail(`key ${record.id} older than the largest age allowed`);
    if (record.services.length > 0 && !record.services.includes(service)) return fail(`key ${record.id} may not call ${service}`);
    return { ok: true, record };
  }
}
