import { isIP } from 'node:net';
import { ServiceError } from '../errors.js';

/** The HTTP listener's settings of `warden serve` (`--http`, and `http`, `httpPlaintext`, `hosts` in `--config`). */
export interface HttpServeConfig {
  /** `HOST:PORT` of the HTTP listener (forward auth for proxies, OPA's REST API); default: none. */
  http?: string;
  /**
   * Serve it without TLS (development only; default false): refused unless `http` is a loopback
   * address. Every request's requester is then `{"id": "anonymous-proxy", "authenticated_by": "requester"}`.
   */
  httpPlaintext?: boolean;
  /** Forwarded host (without port, lower case) → callee service, when a proxy sends no `X-Warden-Service`. */
  hosts?: Record<string, string>;
}

/** The checked settings: where to listen, whether in plaintext, and the hosts map. */
export interface HttpSettings {
  listen: string;
  plaintext: boolean;
  hosts: Record<string, string>;
}

function invalid(message: string): ServiceError {
  return new ServiceError('invalid_config', message);
}

/** Whether `host` can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare.startsWith('::ffff:127.');
}

/**
 * The HTTP listener's settings of `config`, checked; `undefined` when there is no listener.
 *
 * @example
 * httpSettings({ http: '127.0.0.1:9192', httpPlaintext: true }) // → { listen: '127.0.0.1:9192', plaintext: true, hosts: {} }
 * @throws ServiceError `invalid_config`: `http` not `HOST:PORT`, `httpPlaintext` not a boolean or on
 *   a non-loopback address, `hosts` not an object of strings
 */
export function httpSettings(config: HttpServeConfig): HttpSettings | undefined {
  const { http, httpPlaintext = false, hosts = {} } = config;
  if (typeof httpPlaintext !== 'boolean') throw invalid(`httpPlaintext must be true or false, not ${JSON.stringify(httpPlaintext)}`);
  if (typeof hosts !== 'object' || hosts === null || Array.isArray(hosts)) throw invalid('hosts must map host names to service names');
  const mapped: Record<string, string> = {};
  for (const [host, service] of Object.entries(hosts)) {
    if (typeof service !== 'string' || service === '') throw invalid(`hosts.${host} must be a service name, not ${JSON.stringify(service)}`);
    mapped[host.toLowerCase()] = service;
  }
  if (http === undefined) {
    if (httpPlaintext) throw invalid('httpPlaintext needs http: HOST:PORT');
    return undefined;
  }
  if (typeof http !== 'string') throw invalid(`http must be HOST:PORT, not ${JSON.stringify(http)}`);
  let host: string;
  try {
    host = splitListen(http).host;
  } catch {
    throw invalid(`http must be HOST:PORT, not ${JSON.stringify(http)}`);
  }
  if (httpPlaintext && !isLoopbackHost(host)) throw invalid(`httpPlaintext is for development on a loopback address only; http is ${http}`);
  return { listen: http, plaintext: httpPlaintext, hosts: mapped };
}

/**
 * `HOST:PORT` split, the host unbracketed (`[::1]:8080` → `::1`, 8080).
 *
 * @throws Error when there is no port
 */
export function splitListen(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  const port = Number(listen.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535 || listen.slice(colon + 1) === '') throw new Error(`"${listen}" is not HOST:PORT`);
  return { host: listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}
