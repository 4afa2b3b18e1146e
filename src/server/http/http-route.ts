import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionIdentity } from '../connection-identity.js';

/** An answer, as a route hands it to {@link sendAnswer}. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** What the listener knows of a request before a route handles it. */
export interface HttpContext {
  /** The proxy that asks: its verified client certificate's identity, or the plaintext mode's stand-in. */
  readonly connection: ConnectionIdentity;
  /** `performance.now()` when the request's headers were read. */
  readonly started: number;
  /** The request target's path, without the query. */
  readonly path: string;
}

/**
 * One entry of the listener's route table: the requests it takes, and how it answers them. A route
 * answers every request it takes, errors included (see {@link sendAnswer}); the listener answers
 * 500 for one that throws anyway.
 */
export interface HttpRoute {
  readonly name: string;
  /** Methods taken, upper case; absent: any. */
  readonly methods?: readonly string[];
  /** The path taken (`/authz`). */
  readonly path: string;
  /** Also take every path under `path` (`/authz/…`). */
  readonly subpaths?: boolean;
  /** Browsers on the origins in `http.cors.origins` may call it (OPA's REST API; never forward auth). */
  readonly crossOrigin?: boolean;
  /** The route reads the body itself, within `maxBodyBytes`; otherwise the listener reads and drops it. */
  readonly readsBody?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): void | Promise<void>;
}

/** Whether `route` takes `path` (method aside). */
function takesPath(route: HttpRoute, path: string): boolean {
  return path === route.path || (route.subpaths === true && path.startsWith(`${route.path}/`));
}

/**
 * The route for a request: the first whose path and method match; `'method'` when a route takes
 * the path but not the method (405); `undefined` when none takes the path (404).
 *
 * @example
 * matchRoute(routes, 'GET', '/authz/orders') // → the forward-auth route
 */
export function matchRoute(routes: readonly HttpRoute[], method: string, path: string): HttpRoute | 'method' | undefined {
  let pathTaken = false;
  for (const route of routes) {
    if (!takesPath(route, path)) continue;
    if (!route.methods || route.methods.includes(method)) return route;
    pathTaken = true;
  }
  return pathTaken ? 'method' : undefined;
}

/** Content types a browser shows as data, never renders as a page. */
const INERT_CONTENT_TYPE = /^(application\/json|text\/plain)\b/i;

/**
 * Sends `answer` unless something was sent already (a timeout's answer); whether it was sent.
 * Headers the listener set on `res` first (nosniff, no-store, HSTS, CORS) win over the answer's
 * own; an answer that is neither JSON nor plain text goes out as plain text, so no route can make
 * a browser render one as HTML.
 */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer): boolean {
  if (res.headersSent || res.writableEnded || res.destroyed) return false;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) if (!res.hasHeader(name)) headers[name] = value;
  const type = headers['content-type'];
  if (typeof type !== 'string' || !INERT_CONTENT_TYPE.test(type)) headers['content-type'] = 'text/plain; charset=utf-8';
  res.writeHead(answer.status, { ...headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
  return true;
}
