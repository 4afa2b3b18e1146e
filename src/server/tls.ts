import type { SecureServerOptions } from 'node:http2';
import type { SecureContextOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { WardenMetrics } from '../audit/index.js';
import { ClientTrust } from './client-trust.js';
import type { TlsMinVersion } from './config.js';
import { ServiceError } from './errors.js';
import { readTlsFiles, validateTlsFiles, type TlsFileBytes, type TlsFilePaths, type TlsMaterial } from './tls-files.js';

/** The server's TLS files and how they are served. */
export interface TlsFiles extends TlsFilePaths {
  /** How often the files are re-read (default 60 s). */
  refreshIntervalMs?: number;
  /** Oldest TLS version accepted (default `TLSv1.3`). */
  minVersion?: TlsMinVersion;
}

/** What {@link mtlsCredentials} needs besides the files. */
export interface MtlsOptions {
  /** A connection that has not finished its handshake by then is closed (checked by checkConnectionLimits). */
  handshakeTimeoutMs: number;
  logger: Logger;
  metrics: WardenMetrics;
}

/** mTLS credentials and the refresh behind them. */
export interface MtlsCredentials {
  credentials: ServerCredentials;
  /** The client CAs trusted now; connections check it on every call. */
  trust: ClientTrust;
  /** Resolves once the credentials can serve (they can from the start: the files were read up front). */
  ready: Promise<void>;
  /**
   * The secure context served now (the last good files, with the protocol options), for another
   * listener that serves the same certificates (the HTTP listener).
   */
  secureContext(): SecureContextOptions;
  /** Calls `listener` with every context published after a rotation; returns the function that stops it. */
  onPublish(listener: (context: SecureContextOptions) => void): () => void;
  /** Re-reads the files now (the timer does this every `refreshIntervalMs`). */
  refresh(): void;
  /** Stops the refresh timer. */
  close(): void;
}

const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
// Forward-secret AEAD suites only: HTTP/2 (RFC 9113 appendix A) forbids static-RSA and CBC suites.
const TLS12_AEAD_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * The secure context options for the oldest TLS version accepted: TLS 1.3 only by default; with
 * `TLSv1.2`, TLS 1.2 with ECDHE AEAD suites as well. `GRPC_SSL_CIPHER_SUITES` is not consulted.
 *
 * @example
 * tls.createServer({ ...tlsProtocolOptions('TLSv1.3'), cert, key });
 * @throws ServiceError `invalid_config` for any other version
 */
export function tlsProtocolOptions(minVersion: TlsMinVersion = 'TLSv1.3'): SecureContextOptions {
  if (minVersion === 'TLSv1.3') return { minVersion: 'TLSv1.3', ciphers: TLS13_SUITES };
  if (minVersion === 'TLSv1.2') return { minVersion: 'TLSv1.2', ciphers: `${TLS13_SUITES}:${TLS12_AEAD_SUITES}` };
  throw new ServiceError('invalid_config', `tls.minVersion must be "TLSv1.3" or "TLSv1.2", not ${JSON.stringify(minVersion)}`);
}

/**
 * grpc-js server credentials whose secure context Warden publishes itself. grpc-js hands
 * constructor options to `http2.createSecureServer` and context options to `setSecureContext` on
 * every update; Node's `setSecureContext` resets `minVersion` and `ciphers` unless given again, so
 * every update carries them.
 */
class PublishedServerCredentials extends ServerCredentials {
  constructor(serverOptions: SecureServerOptions, context: SecureContextOptions) {
    super(serverOptions, context);
  }

  publish(context: SecureContextOptions): void {
    this.updateSecureContextOptions(context);
  }

  _equals(other: ServerCredentials): boolean {
    return this === other;
  }
}

function same(a: TlsFileBytes | undefined, b: TlsFileBytes): boolean {
  return a !== undefined && a.cert.equals(b.cert) && a.key.equals(b.key) && a.clientCa.equals(b.clientCa);
}

/**
 * Server credentials that require a client certificate chaining to `clientCa`, over TLS 1.3 (or
 * 1.2 with AEAD suites when `minVersion` says so), closing connections whose handshake takes longer
 * than `handshakeTimeoutMs`. The files are re-read every `refreshIntervalMs`; a new set is checked
 * ({@link validateTlsFiles}) before it is used, and one that fails is logged and counted
 * (`warden_tls_reload_failures_total`) while the last good set keeps serving. A new client CA set
 * is published to `trust`, whose listeners close connections that no longer chain to it.
 *
 * @example
 * const tls = mtlsCredentials({ cert, key, clientCa }, { handshakeTimeoutMs: 10_000, logger, metrics });
 * server.bindAsync('127.0.0.1:0', tls.credentials, callback);
 * @throws ServiceError `invalid_config` when the files at startup are unreadable or invalid
 */
export function mtlsCredentials(files: TlsFiles, options: MtlsOptions): MtlsCredentials {
  const protocol = tlsProtocolOptions(files.minVersion);
  const handshakeTimeout = options.handshakeTimeoutMs;
  const refreshMs = files.refreshIntervalMs ?? 60_000;
  if (!Number.isFinite(refreshMs) || refreshMs <= 0) throw new ServiceError('invalid_config', `tls.refreshIntervalMs must be a positive number of milliseconds, not ${refreshMs}`);
  let current: TlsMaterial = validateTlsFiles(readTlsFiles(files), protocol);
  const context = (m: TlsMaterial): SecureContextOptions => ({ ...protocol, cert: m.cert, key: m.key, ca: m.clientCa });
  const credentials = new PublishedServerCredentials({ ...protocol, requestCert: true, rejectUnauthorized: true, handshakeTimeout }, context(current));
  const trust = new ClientTrust(current.clientCas);
  const publishListeners = new Set<(context: SecureContextOptions) => void>();
  let rejected: TlsFileBytes | undefined;
  let lastFailure: string | undefined;

  const fail = (e: unknown, bytes: TlsFileBytes | undefined): void => {
    rejected = bytes;
    const message = e instanceof Error ? e.message : String(e);
    // A bad file is reported once, not on every refresh while it stays bad.
    if (message === lastFailure) return;
    lastFailure = message;
    options.metrics.recordTlsReloadFailure();
    options.logger.error({ files: { cert: files.cert, key: files.key, clientCa: files.clientCa } }, `TLS files rejected, the last good ones keep serving: ${message}`);
  };

  const refresh = (): void => {
    let bytes: TlsFileBytes;
    try {
      bytes = readTlsFiles(files);
    } catch (e) {
      fail(e, undefined);
      return;
    }
    if (same(current, bytes) || same(rejected, bytes)) return;
    let next: TlsMaterial;
    try {
      next = validateTlsFiles(bytes, protocol);
    } catch (e) {
      fail(e, bytes);
      return;
    }
    current = next;
    rejected = undefined;
    lastFailure = undefined;
    credentials.publish(context(next));
    for (const listener of publishListeners) listener(context(next));
    options.metrics.recordTlsReload();
    options.logger.info({ serverCertificate: next.serverCert.fingerprint256, validTo: next.serverCert.validTo, clientCas: next.clientCas.length }, 'TLS files reloaded');
    trust.replace(next.clientCas);
  };

  const timer = setInterval(refresh, refreshMs);
  timer.unref();
  return {
    credentials,
    trust,
    ready: Promise.resolve(),
    secureContext: () => context(current),
    onPublish: (listener) => {
      publishListeners.add(listener);
      return () => publishListeners.delete(listener);
    },
    refresh,
    close: () => clearInterval(timer),
  };
}
