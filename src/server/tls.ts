import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { experimental, type ServerCredentials } from '@grpc/grpc-js';
import { ServiceError } from './service-error.js';

/** The server's TLS files. */
export interface TlsFiles {
  cert: string;
  key: string;
  clientCa: string;
  refreshIntervalMs?: number;
}

/** mTLS credentials and the watcher behind them. */
export interface MtlsCredentials {
  credentials: ServerCredentials;
  /** Resolves once the watcher has read the files, so the first handshake already has them. */
  ready: Promise<void>;
  /** Detaches from the watcher so its timer stops once the server is gone. */
  close(): void;
}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ServiceError('invalid_config', `cannot read ${what} ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Server credentials that require a client certificate chaining to `clientCa`: a client without
 * one, or with one from another CA, fails the TLS handshake. The files are re-read every
 * `refreshIntervalMs` (default 60 s), so a rotated server certificate or trust bundle applies
 * without a restart. The files are checked once up front so a bad path fails at startup.
 *
 * @throws ServiceError `invalid_config`
 */
export function mtlsCredentials(files: TlsFiles): MtlsCredentials {
  const cert = read(files.cert, 'TLS certificate');
  const key = read(files.key, 'TLS key');
  const ca = read(files.clientCa, 'client CA');
  try {
    createSecureContext({ cert, key, ca });
  } catch (e) {
    throw new ServiceError('invalid_config', `TLS files do not fit together: ${(e as Error).message}`, { cause: e });
  }
  const provider = new experimental.FileWatcherCertificateProvider({
    certificateFile: files.cert,
    privateKeyFile: files.key,
    caCertificateFile: files.clientCa,
    refreshIntervalMs: files.refreshIntervalMs ?? 60_000,
  });
  const credentials = experimental.createCertificateProviderServerCredentials(provider, provider, true);
  let gotCa = false;
  let gotIdentity = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const onCa = (u: unknown) => {
    gotCa ||= u !== null;
    if (gotCa && gotIdentity) markReady();
  };
  const onIdentity = (u: unknown) => {
    gotIdentity ||= u !== null;
    if (gotCa && gotIdentity) markReady();
  };
  provider.addCaCertificateListener(onCa);
  provider.addIdentityCertificateListener(onIdentity);
  return {
    credentials,
    ready,
    close() {
      provider.removeCaCertificateListener(onCa);
      provider.removeIdentityCertificateListener(onIdentity);
    },
  };
}
