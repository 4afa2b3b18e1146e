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

/** Whether a key opens anything at a given time; revocation wins over expiry. */
export type ApiKeyState = 'active' | 'expired' | 'revoked';

/**
 * The state of `record` at `nowMs`, by the same rules `ApiKeyStore.check` applies.
 *
 * @example
 * apiKeyState(record, Date.now()); // 'active' | 'expired' | 'revoked'
 */
export function apiKeyState(record: ApiKeyRecord, nowMs: number): ApiKeyState {
  if (record.revoked) return 'revoked';
  if (record.expiresMs !== undefined && nowMs >= record.expiresMs) return 'expired';
  return 'active';
}

const ID_SHAPE = /^[a-z2-7]{16}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The records of a parsed store file, each field checked, so that a hand-edited or damaged file is
 * refused when read rather than misread later.
 *
 * @throws Error naming the record and field that is wrong (`keys[2].services must be …`)
 */
export function apiKeyRecordsOf(parsed: unknown): ApiKeyRecord[] {
  const keys = typeof parsed === 'object' && parsed !== null ? (parsed as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new Error('no "keys" list');
  const seen = new Set<string>();
  keys.forEach((value: unknown, i) => {
    const at = `keys[${i}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${at} must be an object`);
    const r = value as Record<string, unknown>;
    if (typeof r.id !== 'string' || !ID_SHAPE.test(r.id)) throw new Error(`${at}.id must be 16 characters of a-z and 2-7`);
    if (seen.has(r.id)) throw new Error(`${at}.id ${r.id} appears more than once`);
    seen.add(r.id);
    if (typeof r.subject !== 'string' || r.subject === '') throw new Error(`${at}.subject must be a SPIFFE ID`);
    if (!isTime(r.createdMs)) throw new Error(`${at}.createdMs must be a time in milliseconds`);
    if (r.expiresMs !== undefined && !isTime(r.expiresMs)) throw new Error(`${at}.expiresMs must be a time in milliseconds`);
    if (!Array.isArray(r.services) || !r.services.every((s) => typeof s === 'string' && s !== '')) {
      throw new Error(`${at}.services must be a list of service names`);
    }
    if (typeof r.secretSha256 !== 'string' || !SHA256_HEX.test(r.secretSha256)) throw new Error(`${at}.secretSha256 must be 64 hex digits`);
    if (r.revoked !== undefined && typeof r.revoked !== 'boolean') throw new Error(`${at}.revoked must be true or false`);
  });
  return keys as ApiKeyRecord[];
}

/** The latest time a JavaScript Date can hold: later expiries could not be shown or compared sensibly. */
export const LATEST_TIME_MS = 8.64e15;

function isTime(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= LATEST_TIME_MS;
}
