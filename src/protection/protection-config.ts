import { parseAlertsConfig, type AlertsConfig } from './alerts/config.js';
import type { AutoBanConfig } from './auto-ban.js';
import { parseDuration } from './duration.js';
import { ProtectionError } from './errors.js';
import type { CallKey } from './protected-call.js';
import type { RateLimitConfig } from './rate-limits.js';

/** The countermeasures of the config file, checked (see docs/protection.md). */
export interface ProtectionConfig {
  rateLimits: RateLimitConfig[];
  /** Addresses and CIDRs denied, as written. */
  ipDeny: string[];
  /** A file of more addresses and CIDRs, one a line; re-read when it changes. */
  ipDenyFile?: string;
  autoBan: AutoBanConfig[];
  /** Unusual-activity alerts; none without an `alerts:` section. */
  alerts?: AlertsConfig;
}

/** The config file's countermeasure keys, as written there. */
export const PROTECTION_KEYS = ['rateLimits', 'ipDeny', 'ipDenyFile', 'autoBan', 'alerts'] as const;

/** The countermeasure keys as the config file holds them, before they are checked. */
export interface ProtectionConfigInput {
  /** Token-bucket limits (see docs/protection.md). */
  rateLimits?: unknown[];
  /** Addresses and CIDRs whose calls are denied. */
  ipDeny?: string[];
  /** A file of addresses and CIDRs, one a line; relative to the config file's folder. */
  ipDenyFile?: string;
  /** Automatic bans after too many denials. */
  autoBan?: unknown[];
  /** Unusual-activity alerts. */
  alerts?: unknown;
}

const LIMIT_BY: readonly CallKey[] = ['subject', 'requester', 'source_ip', 'route'];
const BAN_BY: readonly AutoBanConfig['by'][] = ['source_ip', 'subject'];

function invalid(message: string): ProtectionError {
  return new ProtectionError('protection_invalid_config', message);
}

function positive(value: unknown, field: string, integer = false): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value))) return value;
  throw invalid(`${field} must be a positive ${integer ? 'integer' : 'number'}, not ${JSON.stringify(value)}`);
}

function record(value: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field} must be an object`);
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw invalid(`${field}: unknown keys ${unknown.join(', ')} (known: ${keys.join(', ')})`);
  return value as Record<string, unknown>;
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${field} must be a list`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(`${field} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
}

function rateLimit(value: unknown, i: number, names: Set<string>): RateLimitConfig {
  const field = `rateLimits[${i}]`;
  const r = record(value, field, ['name', 'by', 'perSecond', 'burst', 'services']);
  if (typeof r.name !== 'string' || r.name === '') throw invalid(`${field}.name must be a non-empty string`);
  if (names.has(r.name)) throw invalid(`${field}.name ${JSON.stringify(r.name)} is used twice`);
  names.add(r.name);
  const perSecond = positive(r.perSecond, `${field}.perSecond`);
  const burst = r.burst === undefined ? Math.max(1, Math.ceil(perSecond)) : positive(r.burst, `${field}.burst`, true);
  const services = r.services === undefined ? undefined : list(r.services, `${field}.services`).map((s, j) => {
    if (typeof s !== 'string' || s === '') throw invalid(`${field}.services[${j}] must be a non-empty string`);
    return s;
  });
  return { name: r.name, by: oneOf(r.by, `${field}.by`, LIMIT_BY), perSecond, burst, ...(services ? { services } : {}) };
}

function autoBan(value: unknown, i: number): AutoBanConfig {
  const field = `autoBan[${i}]`;
  const r = record(value, field, ['by', 'after', 'within', 'banFor']);
  return {
    by: oneOf(r.by, `${field}.by`, BAN_BY),
    after: positive(r.after, `${field}.after`, true),
    withinMs: parseDuration(r.within, `${field}.within`),
    banForMs: parseDuration(r.banFor, `${field}.banFor`),
  };
}

/**
 * The countermeasure keys of a parsed config file, checked; absent keys mean none of that kind.
 *
 * @throws ProtectionError `protection_invalid_config` naming the field that is wrong
 */
export function parseProtectionConfig(raw: ProtectionConfigInput): ProtectionConfig {
  const names = new Set<string>();
  const ipDeny = list(raw.ipDeny, 'ipDeny').map((a, i) => {
    if (typeof a !== 'string') throw invalid(`ipDeny[${i}] must be a string`);
    return a;
  });
  if (raw.ipDenyFile !== undefined && (typeof raw.ipDenyFile !== 'string' || raw.ipDenyFile === '')) throw invalid('ipDenyFile must be a file path');
  return {
    rateLimits: list(raw.rateLimits, 'rateLimits').map((r, i) => rateLimit(r, i, names)),
    ipDeny,
    ...(raw.ipDenyFile !== undefined ? { ipDenyFile: raw.ipDenyFile as string } : {}),
    autoBan: list(raw.autoBan, 'autoBan').map(autoBan),
    ...(raw.alerts !== undefined && raw.alerts !== null ? { alerts: parseAlertsConfig(raw.alerts) } : {}),
  };
}
