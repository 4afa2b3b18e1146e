import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { sameSecret } from './sessions.js';

/** The header the front end sends its session's CSRF token in. */
export const CSRF_HEADER = 'x-warden-csrf';

function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.') || host === 'localhost';
}

/**
 * The `Host` values the console answers (DNS rebinding): its listen address, `localhost` when that
 * is a loopback address, and the configured `hosts` (with or without a port).
 */
export function allowedHosts(listenHost: string, port: number, extra: readonly string[]): Set<string> {
  const bracketed = isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost;
  const names = new Set([`${bracketed}:${port}`.toLowerCase()]);
  if (isLoopback(listenHost)) names.add(`localhost:${port}`);
  for (const h of extra) {
    names.add(h);
    if (!/:\d+$/.test(h)) names.add(`${h}:${port}`);
  }
  return names;
}

export function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && allowed.has(host.toLowerCase());
}

/** True for methods that only read. */
export function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

/**
 * Why a state-changing request is refused as cross-site, or undefined when it is same-origin and
 * carries the session's token. `origin` is `https://host:port` of the request (its Host was checked).
 */
export function csrfRefusal(req: IncomingMessage, origin: string, csrfToken: string): string | undefined {
  const sentOrigin = req.headers.origin;
  const fetchSite = req.headers['sec-fetch-site'];
  if (sentOrigin !== undefined) {
    if (sentOrigin.toLowerCase() !== origin.toLowerCase()) return `Origin ${JSON.stringify(sentOrigin)} is not this console`;
  } else if (fetchSite !== 'same-origin') return 'neither a same-origin Origin nor Sec-Fetch-Site: same-origin';
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return `Sec-Fetch-Site is ${JSON.stringify(fetchSite)}`;
  const token = req.headers[CSRF_HEADER];
  if (!sameSecret(typeof token === 'string' ? token : undefined, csrfToken)) return `missing or wrong ${CSRF_HEADER} header`;
  return undefined;
}

/** One cookie's value from the `Cookie` header. */
export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
