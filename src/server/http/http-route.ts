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

/** Sends `answer` unless something was sent already (a timeout's answer); whether it was sent. */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer): boolean {
  if (res.headersSent || res.writableEnded || res.destroyed) return false;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
  return true;
}
