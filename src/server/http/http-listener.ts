import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { RequestLimits } from '../config.js';
import type { ConnectionIdentity } from '../connection-identity.js';
import type { MtlsCredentials } from '../tls.js';
import { corsPolicy } from './cors.js';
import { splitListen } from './http-config.js';
import { hostCheck } from './host-check.js';
import { httpRequester } from './http-requester.js';
import { matchRoute, sendAnswer, type HttpRoute } from './http-route.js';
import { answerClientError, setWebHeaders } from './web-headers.js';

/** What {@link startHttpListener} serves, and how. */
export interface HttpListenerOptions {
  /** `HOST:PORT` (port 0 for an ephemeral one). */
  listen: string;
  routes: readonly HttpRoute[];
  /** The gRPC port's TLS: HTTPS with its certificate and required client certificates, rotating with it. Absent: plaintext. */
  tls: MtlsCredentials | undefined;
  /** Used: maxConnections, handshakeTimeoutMs, maxHeaderBytes, requestTimeoutMs, maxBodyBytes. */
  limits: RequestLimits;
  logger: Logger;
  /** Names besides the listen address that requests may carry in `Host`; others are answered 421. */
  allowedHosts?: readonly string[];
  /** Origins whose browsers may call the `crossOrigin` routes; none: CORS off. */
  corsOrigins?: readonly string[];
}

/** A listening HTTP server. */
export interface HttpListener {
  /** `host:port` it listens on. */
  readonly address: string;
  readonly port: number;
  /** Stops taking connections, lets requests in flight finish for at most `ms`, then closes the rest. */
  close(ms: number): Promise<void>;
}

/** How often a closing listener closes connections that have gone idle since. */
const IDLE_SWEEP_MS = 25;

function json(status: number, body: Record<string, unknown>, extra: Record<string, string> = {}) {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra }, body: JSON.stringify(body) };
}

/**
 * Reads (and drops) a body the routes ignore, within `maxBodyBytes`: a larger one is answered
 * 413 (when declared) or cuts the connection (when it only turns out larger).
 */
function discardBody(req: IncomingMessage, res: ServerResponse, maxBodyBytes: number): boolean {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    res.shouldKeepAlive = false;
    sendAnswer(res, json(413, { error: `the body is larger than ${maxBodyBytes} bytes` }, { connection: 'close' }));
    return false;
  }
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBodyBytes) req.socket.destroy();
  });
  req.resume();
  return true;
}

/**
 * Starts the HTTP listener beside the gRPC port: a small route table (forward auth, OPA's REST
 * API). On HTTPS, every request's proxy is identified from its client
 * certificate (httpRequester) before any route runs; one that no longer holds is answered 403 and
 * its connection closed. Before that, every answer is given nosniff, no-store and (over TLS) HSTS
 * headers, a request whose `Host` is not a name of this listener is answered 421 (DNS rebinding),
 * and a browser's CORS preflight is answered by the CORS policy (refused unless `corsOrigins` allows
 * it). Bounded: connections (`maxConnections`), the TLS handshake, header bytes,
 * the time to receive a request, and the body (read and dropped, unless the route reads it). A route that throws is answered
 * 500: proxies deny on it too.
 *
 * @example
 * const listener = await startHttpListener({ listen: '127.0.0.1:0', routes: [forwardAuthRoute(deps)], tls, limits, logger });
 * await listener.close(5_000);
 * @throws Error when it cannot listen on `listen`
 */
export async function startHttpListener(options: HttpListenerOptions): Promise<HttpListener> {
  const { limits, logger, tls } = options;
  const serverOptions: ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.requestTimeoutMs,
  };
  const server: Server = tls
    ? createHttpsServer({ ...serverOptions, ...tls.secureContext(), requestCert: true, rejectUnauthorized: true, handshakeTimeout: limits.handshakeTimeoutMs })
    : createHttpServer(serverOptions);
  server.maxConnections = limits.maxConnections;
  const stopPublishing = tls?.onPublish((context) => (server as ReturnType<typeof createHttpsServer>).setSecureContext(context));
  const checkHost = hostCheck(splitListen(options.listen).host, options.allowedHosts ?? []);
  const cors = corsPolicy(options.corsOrigins ?? []);
  server.on('clientError', (e: Error, socket) => answerClientError(e, socket as Socket, tls !== undefined));

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const path = (req.url ?? '').split('?', 1)[0]!;
    setWebHeaders(res, tls !== undefined);
    const foreignHost = checkHost(req);
    if (foreignHost !== undefined) {
      logger.warn({ source: req.socket.remoteAddress }, `HTTP request refused: ${foreignHost}`);
      return void sendAnswer(res, json(421, { error: `misdirected request: ${foreignHost}` }));
    }
    let connection: ConnectionIdentity;
    try {
      connection = httpRequester(req.socket, tls?.trust);
    } catch (e) {
      logger.warn({ source: req.socket.remoteAddress }, `HTTP request refused, the requester is not identified: ${(e as Error).message}`);
      res.shouldKeepAlive = false;
      sendAnswer(res, json(403, { allowed: false }, { connection: 'close' }));
      return;
    }
    const preflight = cors.preflight(req, options.routes, path);
    if (preflight !== undefined) return void sendAnswer(res, preflight);
    const route = matchRoute(options.routes, req.method ?? '', path);
    if (route === undefined) return void sendAnswer(res, json(404, { error: 'not found' }));
    if (route === 'method') return void sendAnswer(res, json(405, { error: 'method not allowed' }));
    for (const [name, value] of Object.entries(cors.answerHeaders(req, route))) res.setHeader(name, value);
    if (!route.readsBody && !discardBody(req, res, limits.maxBodyBytes)) return;
    const crashed = (e: unknown) => {
      logger.error({ route: route.name, err: e }, 'HTTP route failed');
      sendAnswer(res, json(500, { error: 'internal error' }));
    };
    try {
      const done = route.handle(req, res, { connection, started, path });
      if (done instanceof Promise) done.catch(crashed);
    } catch (e) {
      crashed(e);
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      const { host, port } = splitListen(options.listen);
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    stopPublishing?.();
    throw e;
  }
  server.on('error', (e) => logger.error({ err: e }, 'HTTP listener error'));
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  const host = splitListen(options.listen).host;
  let closing: Promise<void> | undefined;
  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: (ms) =>
      (closing ??= new Promise<void>((resolve) => {
        stopPublishing?.();
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
        const force = setTimeout(() => server.closeAllConnections(), ms);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
