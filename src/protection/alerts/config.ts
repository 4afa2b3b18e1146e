import { MAX_DISTINCT_MEMBERS } from '../memory-store.js';
import { parseDuration } from '../duration.js';
import { ProtectionError } from '../errors.js';

/** `alerts.newEdge`: after learning, a caller→service edge never seen before alerts. */
export interface NewEdgeConfig {
  /** How long edges are learned (without alerting) from when the monitor starts. */
  learnForMs: number;
}

/** `alerts.denyBurst`: one subject denied `count` times within `withinMs`. */
export interface DenyBurstConfig {
  count: number;
  withinMs: number;
}

/** `alerts.rateSpike`: one subject's rate over `factor` times its moving baseline, and at least `minPerSecond`. */
export interface RateSpikeConfig {
  factor: number;
  minPerSecond: number;
  /** The span a rate is measured over, and the slot its baseline is updated by (`window`, default 10s). */
  windowMs: number;
  /** The baseline's time constant: how far back it mostly looks (`baseline`, default 10m). */
  baselineMs: number;
}

/** `alerts.identitySpread`: one identity seen from `addresses` distinct source addresses within `withinMs`. */
export interface IdentitySpreadConfig {
  addresses: number;
  withinMs: number;
}

/** The `alerts:` section, checked; a detector is on when its section is there. */
export interface AlertsConfig {
  /** Alertmanager base URL (alerts are POSTed to `/api/v2/alerts` under it); without it alerts go to the log only. */
  webhook?: string;
  newEdge?: NewEdgeConfig;
  denyBurst?: DenyBurstConfig;
  rateSpike?: RateSpikeConfig;
  identitySpread?: IdentitySpreadConfig;
  /** How long a raised alert stays active — not raised again, and `endsAt` in Alertmanager (`resolveAfter`, default 5m). */
  resolveAfterMs: number;
}

/** Defaults of each detector's settings, those of the contract's example. */
export const ALERTS_DEFAULTS = {
  newEdge: { learnFor: '10m' },
  denyBurst: { count: 20, within: '60s' },
  rateSpike: { factor: 5, minPerSecond: 10, window: '10s', baseline: '10m' },
  identitySpread: { addresses: 5, within: '60s' },
  resolveAfter: '5m',
} as const;

function invalid(message: string): ProtectionError {
  return new ProtectionError('protection_invalid_config', message);
}

function shown(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

type Section = Record<string, unknown>;

/** The object at `field`, its keys checked against `known`; undefined when the section is off. */
function section(value: unknown, field: string, known: readonly string[]): Section | undefined {
  if (value === undefined || value === false) return undefined;
  // `newEdge:` with nothing after it (YAML null) or `newEdge: true` turns the detector on with its defaults.
  if (value === null || value === true) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${field} must be a mapping of settings, not ${shown(value)}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw invalid(`${field}.${key} is not a setting (known: ${known.join(', ')})`);
  }
  return value as Section;
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalid(`${field} must be a positive integer, not ${shown(value)}`);
  return value;
}

function positiveNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(`${field} must be a positive number, not ${shown(value)}`);
  return value;
}

function webhookUrl(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(`${field} must be an http(s) URL, not ${shown(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field} must be an http(s) URL, not ${shown(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${field} must be an http(s) URL, not ${shown(value)}`);
  // Credentials in the URL would end up in logs of failed deliveries.
  if (url.username !== '' || url.password !== '') throw invalid(`${field} must not carry credentials`);
  return value;
}

/**
 * Checks the `alerts:` section of the server configuration and returns it typed, durations in ms.
 * Each detector is on when its section is present (`{}`, or empty in YAML, takes the defaults in
 * {@link ALERTS_DEFAULTS}); without `webhook`, alerts go to the operational log only.
 *
 * @param field where the section sits in the configuration, for errors (default `alerts`)
 * @throws ProtectionError `protection_invalid_config` naming the first bad field, e.g.
 *   "alerts.denyBurst.count must be a positive integer, not 0"
 * @example
 * parseAlertsConfig({ webhook: 'http://127.0.0.1:9093', denyBurst: { count: 20, within: '60s' } });
 */
export function parseAlertsConfig(raw: unknown, field = 'alerts'): AlertsConfig {
  const top = section(raw, field, ['webhook', 'newEdge', 'denyBurst', 'rateSpike', 'identitySpread', 'resolveAfter']) ?? {};
  const config: AlertsConfig = { resolveAfterMs: parseDuration(top['resolveAfter'] ?? ALERTS_DEFAULTS.resolveAfter, `${field}.resolveAfter`) };
  if (top['webhook'] !== undefined && top['webhook'] !== null) config.webhook = webhookUrl(top['webhook'], `${field}.webhook`);

  const newEdge = section(top['newEdge'], `${field}.newEdge`, ['learnFor']);
  if (newEdge) {
    config.newEdge = { learnForMs: parseDuration(newEdge['learnFor'] ?? ALERTS_DEFAULTS.newEdge.learnFor, `${field}.newEdge.learnFor`) };
  }
  const denyBurst = section(top['denyBurst'], `${field}.denyBurst`, ['count', 'within']);
  if (denyBurst) {
    const d = ALERTS_DEFAULTS.denyBurst;
    config.denyBurst = {
      count: positiveInteger(denyBurst['count'] ?? d.count, `${field}.denyBurst.count`),
      withinMs: parseDuration(denyBurst['within'] ?? d.within, `${field}.denyBurst.within`),
    };
  }
  const rateSpike = section(top['rateSpike'], `${field}.rateSpike`, ['factor', 'minPerSecond', 'window', 'baseline']);
  if (rateSpike) {
    const d = ALERTS_DEFAULTS.rateSpike;
    const factor = positiveNumber(rateSpike['factor'] ?? d.factor, `${field}.rateSpike.factor`);
    if (factor <= 1) throw invalid(`${field}.rateSpike.factor must be greater than 1, not ${shown(factor)}`);
    const windowMs = parseDuration(rateSpike['window'] ?? d.window, `${field}.rateSpike.window`);
    const baselineMs = parseDuration(rateSpike['baseline'] ?? d.baseline, `${field}.rateSpike.baseline`);
    if (baselineMs < windowMs) throw invalid(`${field}.rateSpike.baseline must be at least ${field}.rateSpike.window`);
    config.rateSpike = { factor, minPerSecond: positiveNumber(rateSpike['minPerSecond'] ?? d.minPerSecond, `${field}.rateSpike.minPerSecond`), windowMs, baselineMs };
  }
  const spread = section(top['identitySpread'], `${field}.identitySpread`, ['addresses', 'within']);
  if (spread) {
    const d = ALERTS_DEFAULTS.identitySpread;
    const addresses = positiveInteger(spread['addresses'] ?? d.addresses, `${field}.identitySpread.addresses`);
    if (addresses < 2 || addresses > MAX_DISTINCT_MEMBERS) throw invalid(`${field}.identitySpread.addresses must be from 2 to ${MAX_DISTINCT_MEMBERS}, not ${addresses}`);
    config.identitySpread = { addresses, withinMs: parseDuration(spread['within'] ?? d.within, `${field}.identitySpread.within`) };
  }
  return config;
}
