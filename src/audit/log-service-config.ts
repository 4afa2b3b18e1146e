import { AuditError } from './errors.js';
import { outboundEndpoint } from '../outbound/outbound-endpoint.js';
import type { OutboundTlsConfig } from '../outbound/outbound-tls.js';

/** `decisionLogService` in the serve config: where and how decision records are shipped. */
export interface LogServiceConfig {
  /** The collector's service URL (http or https); batches are POSTed to `<url>/logs`, as OPA does. */
  url: string;
  /** Largest gzipped body of one upload (default 32768, OPA's `upload_size_limit_bytes`). */
  maxBatchBytes?: number;
  /** Longest a record waits before its batch is sent (default 5). */
  maxDelaySeconds?: number;
  /** Records (as JSON text) held while the collector is slow or down before the oldest are dropped (default 16 MiB). */
  maxBufferBytes?: number;
  /** Extra request headers, such as `Authorization` (never logged). */
  headers?: Record<string, string>;
  /** For an https collector: a private CA to trust, and a client certificate and key for mTLS. */
  tls?: OutboundTlsConfig;
}

/** A checked `decisionLogService`: every field but `tls` filled in. */
export type LogServiceSettings = Required<Omit<LogServiceConfig, 'tls'>> & Pick<LogServiceConfig, 'tls'>;

/** The defaults of {@link LogServiceConfig}. */
export const LOG_SERVICE_DEFAULTS = { maxBatchBytes: 32_768, maxDelaySeconds: 5, maxBufferBytes: 16 * 1024 * 1024 };

const FIELDS = new Set(['url', 'maxBatchBytes', 'maxDelaySeconds', 'maxBufferBytes', 'headers', 'tls']);

/**
 * Checks a `decisionLogService` value and fills in its defaults.
 *
 * @example
 * const settings = checkLogServiceConfig({ url: 'https://logs.example.com/v1' });
 * @throws AuditError `audit_invalid_config` naming the field and what is wrong with it
 */
export function checkLogServiceConfig(value: unknown, key = 'decisionLogService'): LogServiceSettings {
  const fail = (message: string) => new AuditError('audit_invalid_config', `${key}${message}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(' must be an object with at least a url');
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw fail(`: unknown fields ${unknown.join(', ')} (known: ${[...FIELDS].join(', ')})`);
  const endpoint = outboundEndpoint(given, key, 'the collector URL, such as https://logs.example.com');
  if ('problem' in endpoint) throw new AuditError('audit_invalid_config', endpoint.problem);
  const { url, headers, tls } = endpoint;
  const positive = (field: 'maxBatchBytes' | 'maxDelaySeconds' | 'maxBufferBytes', integer: boolean): number => {
    const v = given[field] ?? LOG_SERVICE_DEFAULTS[field];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw fail(`.${field} must be a positive ${integer ? 'integer' : 'number'}, not ${JSON.stringify(v)}`);
    }
    return v;
  };
  const maxBatchBytes = positive('maxBatchBytes', true);
  const maxDelaySeconds = positive('maxDelaySeconds', false);
  const maxBufferBytes = positive('maxBufferBytes', true);
  if (maxBufferBytes < maxBatchBytes) throw fail(`.maxBufferBytes (${maxBufferBytes}) must be at least maxBatchBytes (${maxBatchBytes})`);
  return { url: url.href.replace(/\/+$/, ''), maxBatchBytes, maxDelaySeconds, maxBufferBytes, headers, ...(tls ? { tls } : {}) };
}
