import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ServiceError } from './errors.js';

/** Paths of the server's TLS files. */
export interface TlsFilePaths {
  cert: string;
  key: string;
  clientCa: string;
}

/** The bytes of the three files, as read. */
export interface TlsFileBytes {
  cert: Buffer;
  key: Buffer;
  clientCa: Buffer;
}

/** TLS files that have passed {@link validateTlsFiles}: safe to hand to a live server. */
export interface TlsMaterial extends TlsFileBytes {
  /** The server certificate (the first of `cert`). */
  serverCert: X509Certificate;
  /** Every certificate of the client CA file. */
  clientCas: X509Certificate[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function invalid(message: string, cause?: unknown): ServiceError {
  return new ServiceError('invalid_config', message, { cause });
}

/** Milliseconds since the epoch of an X509Certificate date (`validFrom` / `validTo`); NaN when unreadable. */
export function certificateTime(text: string): number {
  return Date.parse(text);
}

/** Whether `cert` is valid at `now` (an unreadable date counts as not valid). */
export function validAt(cert: X509Certificate, now: number): boolean {
  return certificateTime(cert.validFrom) <= now && now < certificateTime(cert.validTo);
}

/**
 * Every certificate of a PEM file. Text between the blocks (bundle comments) is ignored.
 *
 * @throws ServiceError `invalid_config` when the file holds no certificate or one does not parse
 */
export function pemCertificates(pem: Buffer, what: string): X509Certificate[] {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw invalid(`${what} holds no PEM certificate`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (e) {
      throw invalid(`${what}: certificate ${i + 1} does not parse: ${(e as Error).message}`, e);
    }
  });
}

/**
 * Checks TLS files before a server uses them: the server certificate chain parses, its first
 * certificate is valid now and matches the key; the client CA file holds at least one certificate,
 * all of them parse and one is valid now; and OpenSSL takes all of it with `protocol` options.
 * A file caught half-written fails here rather than in the handshakes of every new connection.
 *
 * @example
 * const material = validateTlsFiles(readTlsFiles(paths), tlsProtocolOptions('TLSv1.3'));
 * @throws ServiceError `invalid_config` saying which file is wrong and why
 */
export function validateTlsFiles(bytes: TlsFileBytes, protocol: SecureContextOptions, now = Date.now()): TlsMaterial {
  const chain = pemCertificates(bytes.cert, 'TLS certificate');
  const serverCert = chain[0]!;
  if (!validAt(serverCert, now)) throw invalid(`TLS certificate is not valid now (valid from ${serverCert.validFrom} to ${serverCert.validTo})`);
  let key;
  try {
    key = createPrivateKey(bytes.key);
  } catch (e) {
    throw invalid(`TLS key does not parse: ${(e as Error).message}`, e);
  }
  if (!serverCert.checkPrivateKey(key)) throw invalid('TLS key does not match the TLS certificate');
  const clientCas = pemCertificates(bytes.clientCa, 'client CA');
  if (!clientCas.some((ca) => validAt(ca, now))) throw invalid('client CA: no certificate in it is valid now');
  try {
    createSecureContext({ ...protocol, cert: bytes.cert, key: bytes.key, ca: bytes.clientCa });
  } catch (e) {
    throw invalid(`TLS files do not fit together: ${(e as Error).message}`, e);
  }
  return { ...bytes, serverCert, clientCas };
}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw invalid(`cannot read ${what} ${file}: ${(e as Error).message}`, e);
  }
}

/**
 * Reads the three TLS files (small, so synchronously: a refresh costs microseconds).
 *
 * @throws ServiceError `invalid_config` naming the file that cannot be read
 */
export function readTlsFiles(paths: TlsFilePaths): TlsFileBytes {
  return { cert: read(paths.cert, 'TLS certificate'), key: read(paths.key, 'TLS key'), clientCa: read(paths.clientCa, 'client CA') };
}
