import { outboundEndpoint } from '../outbound/outbound-endpoint.js';
import type { OutboundHeaders } from '../outbound/outbound-headers.js';
import type { OutboundTlsConfig } from '../outbound/outbound-tls.js';
import { BundleServiceError } from './errors.js';

/** `bundleService` in the serve config (`--bundle-url`): where bundles are downloaded from, and how often. */
export interface BundleServiceConfig {
  /** The bundle's URL (http or https), fetched with GET as OPA's bundle plugin does. */
  url: string;
  /** Shortest wait between periodic polls, in seconds (default 10). */
  pollMinSeconds?: number;
  /** Longest wait between periodic polls, in seconds (default 20); also the cap of the back-off after errors. */
  pollMaxSeconds?: number;
  /** Ask the server to hold each poll up to this long until a new bundle exists (`Prefer: wait=N`); off when unset. */
  longPollSeconds?: number;
  /** Longest a download may take past any long-poll wait, in seconds (default 30). */
  timeoutSeconds?: number;
  /** Largest bundle accepted, in bytes (default 64 MiB): a bigger answer is refused before it fills memory or disk. */
  maxBytes?: number;
  /** Extra request headers, such as `Authorization` (never logged). */
  headers?: OutboundHeaders;
  /** A private CA for the server, and a client certificate for mTLS. */
  tls?: OutboundTlsConfig;
}

/** A checked {@link BundleServiceConfig} with its defaults. */
export type BundleServiceSettings = Required<Omit<BundleServiceConfig, 'longPollSeconds' | 'tls'>> & Pick<BundleServiceConfig, 'longPollSeconds' | 'tls'>;

/** Defaults of {@link BundleServiceConfig}: faster than OPA's 60/120 s, as a revoked grant should not serve for minutes. */
export const BUNDLE_SERVICE_DEFAULTS = { pollMinSeconds: 10, pollMaxSeconds: 20, timeoutSeconds: 30, maxBytes: 64 * 1024 * 1024 } as const;

const FIELDS = new Set(['url', 'pollMinSeconds', 'pollMaxSeconds', 'longPollSeconds', 'timeoutSeconds', 'maxBytes', 'headers', 'tls']);

/**
 * Checks a `bundleService` value and fills in its defaults.
 *
 * @example
 * const settings = checkBundleServiceConfig({ url: 'https://bundles.example.com/warden/bundle.tar.gz' });
 * @throws BundleServiceError `bundle_service_invalid_config` naming the field and what is wrong with it
 */
export function checkBundleServiceConfig(value: unknown, key = 'bundleService'): BundleServiceSettings {
  const fail = (message: string) => new BundleServiceError('bundle_service_invalid_config', `${key}${message}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(' must be an object with at least a url');
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw fail(`: unknown fields ${unknown.join(', ')} (known: ${[...FIELDS].join(', ')})`);
  const endpoint = outboundEndpoint(given, key, 'the bundle URL, such as https://bundles.example.com/warden/bundle.tar.gz');
  if ('problem' in endpoint) throw new BundleServiceError('bundle_service_invalid_config', endpoint.problem);
  const { url, headers, tls } = endpoint;
  const positive = (field: 'pollMinSeconds' | 'pollMaxSeconds' | 'timeoutSeconds' | 'maxBytes' | 'longPollSeconds', fallback: number | undefined, integer = false): number | undefined => {
    const v = given[field] ?? fallback;
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw fail(`.${field} must be a positive ${integer ? 'integer' : 'number'}, not ${JSON.stringify(v)}`);
    }
    return v;
  };
  const pollMinSeconds = positive('pollMinSeconds', BUNDLE_SERVICE_DEFAULTS.pollMinSeconds)!;
  const pollMaxSeconds = positive('pollMaxSeconds', Math.max(pollMinSeconds, BUNDLE_SERVICE_DEFAULTS.pollMaxSeconds))!;
  if (pollMaxSeconds < pollMinSeconds) throw fail(`.pollMaxSeconds (${pollMaxSeconds}) must be at least pollMinSeconds (${pollMinSeconds})`);
  const longPollSeconds = positive('longPollSeconds', undefined, true);
  const timeoutSeconds = positive('timeoutSeconds', BUNDLE_SERVICE_DEFAULTS.timeoutSeconds)!;
  const maxBytes = positive('maxBytes', BUNDLE_SERVICE_DEFAULTS.maxBytes, true)!;
  return {
    url: url.href,
    pollMinSeconds,
    pollMaxSeconds,
    timeoutSeconds,
    maxBytes,
    headers,
    ...(longPollSeconds !== undefined ? { longPollSeconds } : {}),
    ...(tls ? { tls } : {}),
  };
}
