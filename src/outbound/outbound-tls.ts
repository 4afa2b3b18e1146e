import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { OutboundError } from './errors.js';

/**
 * `tls` of an outbound service: a private CA to trust instead of the system's (`caFile`), and a client
 * certificate for mTLS (`certFile` with `keyFile`). PEM files.
 */
export interface OutboundTlsConfig {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

const FIELDS = new Set(['caFile', 'certFile', 'keyFile']);

/**
 * Checks a `tls` value of an outbound service's config (shape only; the files are read by
 * {@link outboundAgent}).
 *
 * @throws OutboundError `outbound_invalid_config` naming `<key>.tls…` and what is wrong
 */
export function checkOutboundTls(value: unknown, key: string): OutboundTlsConfig {
  const fail = (message: string) => new OutboundError('outbound_invalid_config', `${key}.tls${message}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(' must be an object {caFile?, certFile?, keyFile?}');
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw fail(`: unknown fields ${unknown.join(', ')} (known: ${[...FIELDS].join(', ')})`);
  for (const field of FIELDS) {
    const v = given[field];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw fail(`.${field} must be the path of a PEM file`);
  }
  if ((given.certFile === undefined) !== (given.keyFile === undefined)) throw fail('.certFile and .keyFile go together (a client certificate and its key)');
  return given as OutboundTlsConfig;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new OutboundError('outbound_tls_files', `cannot read ${what} ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The PEM contents of an {@link OutboundTlsConfig}: what `https.Agent` or undici's `connect` option takes. */
export interface OutboundTlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * Reads the files of `tls` and checks that they can be used (the certificate and key parse and
 * belong together, the CA parses), so a bad file fails the start rather than the first call.
 *
 * @example
 * const material = readOutboundTls({ caFile: 'ca.pem' }); // also `new undici.Agent({ connect: material })` for fetch
 * @throws OutboundError `outbound_tls_files` naming the file that cannot be read or used
 */
export function readOutboundTls(tls: OutboundTlsConfig): OutboundTlsMaterial {
  const material: OutboundTlsMaterial = {
    ...(tls.caFile ? { ca: readPem(tls.caFile, 'CA file') } : {}),
    ...(tls.certFile ? { cert: readPem(tls.certFile, 'certificate file') } : {}),
    ...(tls.keyFile ? { key: readPem(tls.keyFile, 'key file') } : {}),
  };
  try {
    createSecureContext(material);
    if (material.cert && material.key && !new X509Certificate(material.cert).checkPrivateKey(createPrivateKey(material.key))) throw new Error('the key does not belong to the certificate');
  } catch (e) {
    throw new OutboundError('outbound_tls_files', `TLS files ${Object.values(tls).join(', ')} cannot be used: ${(e as Error).message}`, { cause: e });
  }
  return material;
}

/**
 * A keep-alive HTTPS agent for `https.request`, presenting the client certificate and trusting the
 * CA of `tls` (the system's CAs when none is given).
 *
 * @example
 * https.request(url, { agent: outboundAgent({ caFile: 'ca.pem', certFile: 'me.pem', keyFile: 'me-key.pem' }) });
 * @throws OutboundError `outbound_tls_files` naming the file that cannot be read or used
 */
export function outboundAgent(tls: OutboundTlsConfig | undefined): Agent {
  return new Agent({ keepAlive: true, ...(tls ? readOutboundTls(tls) : {}) });
}

/**
 * Makes the relative file paths of a config file's `tls` object (`caFile`, `certFile`, `keyFile`)
 * relative to that file's folder, wherever the server was started. Leaves anything else as it is
 * (the checks that follow say what is wrong with it).
 */
export function resolveTlsFilesBeside(tls: unknown, configFile: string): void {
  if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) return;
  const files = tls as Record<string, unknown>;
  for (const field of FIELDS) {
    const path = files[field];
    if (typeof path === 'string' && path !== '' && !isAbsolute(path)) files[field] = resolve(dirname(configFile), path);
  }
}
