import { isIP } from 'node:net';
import { ServiceError } from '../errors.js';
import { corsOrigins } from './cors-origins.js';

/** The `http` key as an object: the listener's address and the browser-facing rules of its door. */
export interface HttpDoorConfig {
  /** `HOST:PORT` of the listener. */
  listen?: string;
  /** Host names, besides the listen address, that requests may name in `Host` (DNS rebinding check). */
  hosts?: string[];
  /** Origins allowed to call OPA's REST API from a browser; CORS is off without them. */
  cors?: { origins?: string[] };
}

/** The HTTP listener's settings of `warden serve` (`--http`, and `http`, `httpPlaintext`, `hosts` in `--config`). */
export interface HttpServeConfig {
  /**
   * `HOST:PORT` of the HTTP listener (forward auth for proxies, OPA's REST API), or
   * `{ listen, hosts, cors: { origins } }`; default: none.
   */
  http?: string | HttpDoorConfig;
  /**
   * Serve it without TLS (development only; default false): refused unless `http` is a loopback
   * address. Every request's requester is then `{"id": "anonymous-proxy", "authenticated_by": "requester"}`.
   */
  httpPlaintext?: boolean;
  /** Forwarded host (without port, lower case) → callee service, when a proxy sends no `X-Warden-Service`. */
  hosts?: Record<string, string>;
}

/** The checked settings: where to listen, whether in plaintext, the hosts map, and the browser-facing rules. */
export interface HttpSettings {
  listen: string;
  plaintext: boolean;
  hosts: Record<string, string>;
  /** Names besides the listen address that `Host` may carry (lower case): `http.hosts` and the hosts map's keys. */
  allowedHosts: string[];
  /** Exact origins allowed to call OPA's REST API from a browser; empty: CORS off. */
  corsOrigins: string[];
}

const DOOR_KEYS = new Set(['listen', 'hosts', 'cors']);

/**
 * A list of host names a listener also answers to (`http.hosts`, `metricsHosts`), checked and lower-cased.
 *
 * @throws ServiceError `invalid_config` naming the entry (`key[i]`) that is not a host name
 */
export function hostNames(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${key} must be a list of host names, not ${JSON.stringify(value)}`);
  return value.map((name: unknown, i) => {
    if (typeof name !== 'string' || !/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(name)) throw invalid(`${key}[${i}] must be a host name without port, like "warden.internal", not ${JSON.stringify(name)}`);
    return name.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  });
}

/** The `http` key, string or object, as its parts, checked. */
function doorParts(http: string | HttpDoorConfig | undefined): { listen: unknown; names: string[]; origins: string[] } {
  if (http === undefined || typeof http !== 'object' || http === null || Array.isArray(http)) return { listen: http, names: [], origins: [] };
  const unknown = Object.keys(http).filter((k) => !DOOR_KEYS.has(k));
  if (unknown.length > 0) throw invalid(`http: unknown keys ${unknown.join(', ')} (known: listen, hosts, cors)`);
  const { hosts = [], cors = {} } = http;
  const names = hostNames(hosts, 'http.hosts');
  if (typeof cors !== 'object' || cors === null || Array.isArray(cors)) throw invalid('http.cors must be an object: { origins: [...] }');
  const corsUnknown = Object.keys(cors).filter((k) => k !== 'origins');
  if (corsUnknown.length > 0) throw invalid(`http.cors: unknown keys ${corsUnknown.join(', ')} (known: origins)`);
  return { listen: http.listen, names, origins: corsOrigins(cors.origins) };
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
 * httpSettings({ http: '127.0.0.1:9192', httpPlaintext: true }) // → { listen: '127.0.0.1:9192', plaintext: true, hosts: {}, allowedHosts: [], corsOrigins: [] }
 * @throws ServiceError `invalid_config`: `http` not `HOST:PORT` (or its `listen`), `httpPlaintext` not
 *   a boolean or on a non-loopback address, `hosts` not an object of strings, `http.hosts` not host
 *   names, `http.cors.origins` not exact origins (or `*`)
 */
export function httpSettings(config: HttpServeConfig): HttpSettings | undefined {
  const { httpPlaintext = false, hosts = {} } = config;
  const { listen: http, names, origins } = doorParts(config.http);
  if (typeof httpPlaintext !== 'boolean') throw invalid(`httpPlaintext must be true or false, not ${JSON.stringify(httpPlaintext)}`);
  if (typeof hosts !== 'object' || hosts === null || Array.isArray(hosts)) throw invalid('hosts must map host names to service names');
  const mapped: Record<string, string> = {};
  for (const [host, service] of Object.entries(hosts)) {
    if (typeof service !== 'string' || service === '') throw invalid(`hosts.${host} must be a service name, not ${JSON.stringify(service)}`);
    mapped[host.toLowerCase()] = service;
  }
  if (http === undefined) {
    if (typeof config.http === 'object') throw invalid('http.listen must be HOST:PORT: the door needs an address');
    if (httpPlaintext) throw invalid('httpPlaintext needs http: HOST:PORT');
    return undefined;
  }
  const key = typeof config.http === 'object' ? 'http.listen' : 'http';
  if (typeof http !== 'string') throw invalid(`${key} must be HOST:PORT, not ${JSON.stringify(http)}`);
  let host: string;
  try {
    host = splitListen(http).host;
  } catch {
    throw invalid(`${key} must be HOST:PORT, not ${JSON.stringify(http)}`);
  }
  if (httpPlaintext && !isLoopbackHost(host)) throw invalid(`httpPlaintext is for development on a loopback address only; http is ${http}`);
  const allowedHosts = [...new Set([...names, ...Object.keys(mapped)])];
  return { listen: http, plaintext: httpPlaintext, hosts: mapped, allowedHosts, corsOrigins: origins };
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
