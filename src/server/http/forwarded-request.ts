import { isIP } from 'node:net';
import type { EnvoyAttributeContext } from '../request-types.js';
import type { DistinctHeaders } from './credential-readers.js';
import { HttpRequestError } from './errors.js';

/** The sub-request as the listener received it. */
export interface SubRequest {
  method: string;
  /** The request target as sent (`/authz/orders/42?x=1`). */
  url: string;
  headers: DistinctHeaders;
}

/** The original request a proxy asks about, in Envoy's terms, and the service it is for. */
export interface ForwardedRequest {
  /** `request.http` (method, path with query, host, scheme, headers) and `source.address`. */
  attributes: EnvoyAttributeContext;
  /** The callee: `X-Warden-Service`, else the `hosts` entry of the forwarded host, else `''`. */
  service: string;
}

/** Where forward-auth requests are routed; what follows it is Envoy HTTP mode's original path. */
export const FORWARD_AUTH_PATH = '/authz';

/**
 * Headers a proxy sets to describe the original request or to steer Warden: not the original
 * request's own headers, so not in `input.http.headers`.
 */
export const CONTROL_HEADERS: ReadonlySet<string> = new Set([
  'x-original-method',
  'x-original-uri',
  'x-forwarded-method',
  'x-forwarded-uri',
  'x-warden-service',
]);

/** Hop-by-hop headers (RFC 9110 section 7.6.1) and the sub-request's own framing: never the original's. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'content-length']);

function bad(message: string): HttpRequestError {
  return new HttpRequestError('http_bad_request', message);
}

function one(headers: DistinctHeaders, name: string): string | undefined {
  const values = headers[name];
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw bad(`${name} appears ${values.length} times`);
  return values[0];
}

/**
 * The one value a field has among the headers that can carry it (nginx's `X-Original-*`,
 * Traefik's and Caddy's `X-Forwarded-*`). Two that disagree are refused: a client can send either
 * through a proxy that sets only the other, so neither can be believed.
 */
function agreed(headers: DistinctHeaders, names: readonly string[]): string | undefined {
  let found: { name: string; value: string } | undefined;
  for (const name of names) {
    const value = one(headers, name);
    if (value === undefined) continue;
    if (found && found.value !== value) throw bad(`${found.name} and ${name} disagree`);
    found ??= { name, value };
  }
  return found?.value;
}

/**
 * The address the nearest proxy saw: the last hop of `X-Forwarded-For` (all its headers joined),
 * without a port; `''` when there is none.
 *
 * @example
 * lastForwardedFor({ 'x-forwarded-for': ['203.0.113.9, 10.0.0.2'] }) // → '10.0.0.2'
 * @throws HttpRequestError `http_bad_request` when that hop is not an IP address
 */
export function lastForwardedFor(headers: DistinctHeaders): string {
  const hops = (headers['x-forwarded-for'] ?? []).join(',').split(',').map((h) => h.trim()).filter((h) => h !== '');
  const last = hops[hops.length - 1];
  if (last === undefined) return '';
  if (isIP(last)) return last;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last)?.[1];
  if (bracketed !== undefined && isIP(bracketed) === 6) return bracketed;
  const withPort = /^([\d.]+):\d+$/.exec(last)?.[1];
  if (withPort !== undefined && isIP(withPort) === 4) return withPort;
  throw bad(`the last X-Forwarded-For hop is not an IP address: ${JSON.stringify(last.slice(0, 64))}`);
}

/** The original request's headers: one value per name (repeats joined with `,`), without hop-by-hop or control headers. */
function originalHeaders(headers: DistinctHeaders, host: string): Record<string, string> {
  const connectionNamed = new Set((headers['connection'] ?? []).join(',').split(',').map((h) => h.trim().toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (!values || HOP_BY_HOP.has(name) || CONTROL_HEADERS.has(name) || connectionNamed.has(name)) continue;
    out[name] = values.join(name === 'cookie' ? '; ' : ',');
  }
  if (host !== '') out['host'] = host;
  return out;
}

/** `host` without its port (`orders.internal:8443` → `orders.internal`, `[::1]:80` → `::1`). */
export function hostWithoutPort(host: string): string {
  const v6 = /^\[([^\]]*)\]/.exec(host);
  if (v6) return v6[1]!;
  const colon = host.indexOf(':');
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}

/**
 * Reads the original request a proxy delegates: method from `X-Original-Method` (nginx) or
 * `X-Forwarded-Method` (Traefik, Caddy), else the sub-request's own (Envoy HTTP mode); the URI
 * from `X-Original-URI` or `X-Forwarded-Uri`, else what follows `/authz` in the sub-request's
 * target (Envoy appends the original path there), `/` when nothing does; the host from
 * `X-Forwarded-Host`, else `Host`; the scheme from `X-Forwarded-Proto`; the source address from
 * the last `X-Forwarded-For` hop; the callee from `X-Warden-Service`, else `hosts[host]`.
 *
 * @example
 * readForwardedRequest({ method: 'GET', url: '/authz', headers: { 'x-original-method': ['POST'], 'x-original-uri': ['/orders?x=1'], … } }, {})
 * @throws HttpRequestError `http_bad_request` for a repeated or conflicting field, a URI that is
 *   not a path, or a last X-Forwarded-For hop that is not an address
 */
export function readForwardedRequest(sub: SubRequest, hosts: Readonly<Record<string, string>>): ForwardedRequest {
  const { headers } = sub;
  const method = agreed(headers, ['x-original-method', 'x-forwarded-method']) ?? sub.method;
  let path = agreed(headers, ['x-original-uri', 'x-forwarded-uri']);
  if (path === undefined) {
    const rest = sub.url.slice(FORWARD_AUTH_PATH.length);
    path = rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
  }
  if (!path.startsWith('/')) throw bad(`the original URI must be a path starting with "/", got ${JSON.stringify(path.slice(0, 64))}`);
  const host = one(headers, 'x-forwarded-host') ?? one(headers, 'host') ?? '';
  const scheme = one(headers, 'x-forwarded-proto') ?? '';
  const bare = hostWithoutPort(host);
  const service = one(headers, 'x-warden-service') ?? (Object.hasOwn(hosts, bare) ? hosts[bare] : undefined) ?? '';
  return {
    attributes: {
      source: { address: { socket_address: { address: lastForwardedFor(headers) } } },
      request: { http: { method, path, host, scheme, headers: originalHeaders(headers, host) } },
    },
    service,
  };
}
