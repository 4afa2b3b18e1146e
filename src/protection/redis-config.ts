import { readFileSync } from 'node:fs';
import { FALLBACK_DEFAULTS } from './fallback-store.js';
import { ProtectionError } from './errors.js';
import { DEFAULT_KEY_PREFIX, type RedisStoreOptions } from './redis-store.js';

/** The config's `redis:` as written: a URL, or an object with one and options. */
export type RedisConfigInput =
  | string
  | {
      url: string;
      password?: string;
      tls?: { caFile?: string; certFile?: string; keyFile?: string };
      keyPrefix?: string;
      budgetMs?: number;
    };

/** Shared state in Redis, checked, with defaults and TLS files read. */
export interface RedisSettings extends RedisStoreOptions {
  keyPrefix: string;
  /** Longest a decision waits on Redis before answering from local state. */
  budgetMs: number;
}

const OBJECT_KEYS = ['url', 'password', 'tls', 'keyPrefix', 'budgetMs'];
const TLS_KEYS = ['caFile', 'certFile', 'keyFile'];
const MAX_BUDGET_MS = 1000;

function invalid(message: string): ProtectionError {
  return new ProtectionError('protection_invalid_config', message);
}

function unknownKeys(value: object, known: readonly string[], field: string): void {
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw invalid(`${field}: unknown keys ${unknown.join(', ')} (known: ${known.join(', ')})`);
}

function checkUrl(url: unknown, field: string): string {
  if (typeof url !== 'string' || url === '') throw invalid(`${field} must be a redis:// or rediss:// URL`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${field} is not a URL (expected redis://HOST:PORT or rediss://HOST:PORT)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw invalid(`${field} must start redis:// or rediss:// (TLS), not ${parsed.protocol}//`);
  if (parsed.hostname === '') throw invalid(`${field} names no host`);
  return url;
}

function readPem(file: unknown, field: string): string {
  if (typeof file !== 'string' || file === '') throw invalid(`${field} must be the path of a PEM file`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw invalid(`${field}: cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * The URL with any password taken out, for logs.
 *
 * @example
 * printableRedisUrl('redis://:s3cret@cache:6379') // 'redis://cache:6379'
 */
export function printableRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Checks the config's `redis:` (a URL, or `{url, password?, tls?, keyPrefix?, budgetMs?}`) and
 * reads its TLS files; `undefined` when it is not set.
 *
 * @example
 * parseRedisConfig('redis://127.0.0.1:6379') // { url, keyPrefix: 'warden:', budgetMs: 5 }
 * @throws ProtectionError `protection_invalid_config` naming the field and what is wrong with it
 */
export function parseRedisConfig(raw: unknown, field = 'redis'): RedisSettings | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return { url: checkUrl(raw, field), keyPrefix: DEFAULT_KEY_PREFIX, budgetMs: FALLBACK_DEFAULTS.budgetMs };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`${field} must be a redis:// URL or an object with url`);
  const input = raw as Record<string, unknown>;
  unknownKeys(input, OBJECT_KEYS, field);
  const url = checkUrl(input['url'], `${field}.url`);
  const settings: RedisSettings = { url, keyPrefix: DEFAULT_KEY_PREFIX, budgetMs: FALLBACK_DEFAULTS.budgetMs };
  const { password, keyPrefix, budgetMs, tls } = input;
  if (password !== undefined) {
    if (typeof password !== 'string' || password === '') throw invalid(`${field}.password must be a non-empty string`);
    settings.password = password;
  }
  if (keyPrefix !== undefined) {
    if (typeof keyPrefix !== 'string') throw invalid(`${field}.keyPrefix must be a string`);
    settings.keyPrefix = keyPrefix;
  }
  if (budgetMs !== undefined) {
    if (typeof budgetMs !== 'number' || !Number.isFinite(budgetMs) || budgetMs <= 0 || budgetMs > MAX_BUDGET_MS) throw invalid(`${field}.budgetMs must be a number of milliseconds above 0 and at most ${MAX_BUDGET_MS}`);
    settings.budgetMs = budgetMs;
  }
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) throw invalid(`${field}.tls must be an object with caFile, certFile, keyFile`);
    if (!url.startsWith('rediss:')) throw invalid(`${field}.tls needs a rediss:// URL (redis:// is plaintext)`);
    const files = tls as Record<string, unknown>;
    unknownKeys(files, TLS_KEYS, `${field}.tls`);
    if ((files['certFile'] === undefined) !== (files['keyFile'] === undefined)) throw invalid(`${field}.tls: certFile and keyFile go together`);
    settings.tls = {
      ...(files['caFile'] !== undefined ? { ca: readPem(files['caFile'], `${field}.tls.caFile`) } : {}),
      ...(files['certFile'] !== undefined ? { cert: readPem(files['certFile'], `${field}.tls.certFile`) } : {}),
      ...(files['keyFile'] !== undefined ? { key: readPem(files['keyFile'], `${field}.tls.keyFile`) } : {}),
    };
  }
  return settings;
}
