import type { IncomingMessage } from 'node:http';
import type { HttpAnswer, HttpRoute } from './http-route.js';
import { matchRoute } from './http-route.js';

/** Request headers an allowed origin's scripts may send to OPA's REST API. */
const ALLOWED_REQUEST_HEADERS = ['authorization', 'content-type', 'x-api-key'];
/** How long a browser may keep an allowed preflight's answer. */
const PREFLIGHT_MAX_AGE_S = 600;

/** The door's CORS rules: preflights answered (or refused) here, and the headers an allowed origin's answers carry. */
export interface CorsPolicy {
  /** The answer to a browser's preflight, or `undefined` when `req` is not one. */
  preflight(req: IncomingMessage, routes: readonly HttpRoute[], path: string): HttpAnswer | undefined;
  /** Headers to add to `route`'s answer to `req`: the origin echoed when it is allowed, else none. */
  answerHeaders(req: IncomingMessage, route: HttpRoute): Record<string, string>;
}

/**
 * Whether `req` is a browser's CORS preflight. A proxy's forward-auth sub-request for a preflight
 * sent to the service it guards names the original method (`X-Original-Method`,
 * `X-Forwarded-Method`), which a browser can never put on a preflight: that one is the guarded
 * service's preflight, decided by policy like any request, not the door's.
 */
function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined && req.headers['x-original-method'] === undefined && req.headers['x-forwarded-method'] === undefined;
}

function refused(reason: string): HttpAnswer {
  return { status: 403, headers: { 'content-type': 'application/json', vary: 'Origin' }, body: JSON.stringify({ error: `cross-origin request refused: ${reason}` }) };
}

/**
 * The CORS policy of the HTTP door: off (every preflight refused 403, no
 * `Access-Control-Allow-Origin` on any answer) unless `origins` names exact origins; those may then
 * call the routes marked `crossOrigin` (OPA's REST API, never forward auth) with credentials.
 *
 * @example
 * const cors = corsPolicy(['https://app.example.com']);
 * cors.preflight(req, routes, '/v1/data/x') // → 204 with the origin echoed, or a 403
 */
export function corsPolicy(origins: readonly string[]): CorsPolicy {
  const allowed = new Set(origins);
  const originOf = (req: IncomingMessage): string | undefined => {
    const origin = req.headers.origin;
    return origin !== undefined && allowed.has(origin) ? origin : undefined;
  };
  return {
    preflight(req, routes, path) {
      if (!isPreflight(req)) return undefined;
      const origin = originOf(req);
      if (origin === undefined) return refused(allowed.size === 0 ? 'CORS is off on this listener' : 'the origin is not in http.cors.origins');
      const method = String(req.headers['access-control-request-method']).toUpperCase();
      const route = matchRoute(routes, method, path);
      if (route === undefined || route === 'method' || route.crossOrigin !== true) return refused(`${method} ${path} is not open to other origins`);
      const asked = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== '');
      const unknown = asked.filter((h) => !ALLOWED_REQUEST_HEADERS.includes(h));
      if (unknown.length > 0) return refused(`request headers not allowed: ${unknown.join(', ')}`);
      return {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': (route.methods ?? [method]).join(', '),
          'access-control-allow-headers': ALLOWED_REQUEST_HEADERS.join(', '),
          'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
          vary: 'Origin',
        },
        body: '',
      };
    },
    answerHeaders(req, route): Record<string, string> {
      if (allowed.size === 0 || route.crossOrigin !== true) return {};
      const origin = originOf(req);
      return origin === undefined ? { vary: 'Origin' } : { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
    },
  };
}
