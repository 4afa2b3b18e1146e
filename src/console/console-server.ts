import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { splitHostPort } from '../audit/metrics-server.js';
import { identityFromCertificate } from '../identity/spiffe-id.js';
import type { MtlsCredentials } from '../server/tls.js';
import { answerApi, type ConsoleSources } from './console-api.js';
import type { ConsoleSettings } from './console-config.js';
import { ConsoleError } from './errors.js';
import { allowedHosts, cookieValue, csrfRefusal, hostAllowed, isSafeMethod } from './request-guards.js';
import { sendJson, sendText, setConsoleHeaders } from './security-headers.js';
import { SessionStore, type Session } from './sessions.js';
import { loadStaticFiles } from './static-files.js';

/** The session cookie's name: `__Host-` binds it to this origin, Secure, Path=/ and no Domain. */
export const SESSION_COOKIE = '__Host-warden-console';

/** A running console. */
export interface ConsoleServer {
  /** `host:port` it listens on. */
  readonly address: string;
  /** `https://host:port`. */
  readonly url: string;
  /** The one-time login link (`--dev` only). */
  readonly loginLink: string | undefined;
  readonly sessions: SessionStore;
  close(): Promise<void>;
}

/** Options of {@link startConsoleServer}. */
export interface ConsoleServerOptions {
  settings: ConsoleSettings;
  /** The server's certificate and client CA: the console is HTTPS, and admins log in with mTLS. */
  tls: MtlsCredentials;
  sources: ConsoleSources;
  /** The built front end (`build/console-web`). */
  webRoot: string;
  logger: Logger;
  now?: () => number;
}

/** An administrators' page: a few browsers, each with a stream or two open. */
const MAX_CONNECTIONS = 256;

const STATUS: Record<ConsoleError['code'], number> = {
  console_config: 500,
  console_bad_request: 400,
  console_not_found: 404,
  console_busy: 429,
  console_unavailable: 503,
};

function sessionCookie(session: Session): string {
  return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}

const CLEARED_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;

/** The SPIFFE ID of a verified client certificate, if the connection has one. */
function certificateAdmin(req: IncomingMessage, admins: ReadonlySet<string>): string | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  try {
    const id = identityFromCertificate(socket.getPeerCertificate(true)).id;
    return admins.has(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the web console (`warden serve --console HOST:PORT`) over HTTPS with Warden's server
 * certificate. Every answer carries the console's security headers; requests for another `Host`
 * get 421; nothing but the login link answers without a session (opened by the link or by a client
 * certificate whose SPIFFE ID is an admin); every request that is not GET/HEAD must be same-origin
 * and carry the session's CSRF token, else 403, counted in `warden_console_csrf_refusals_total`.
 *
 * @example
 * const console = await startConsoleServer({ settings, tls, sources, webRoot: 'build/console-web', logger });
 * @throws Error when it cannot listen
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const { settings, sources, logger } = options;
  const now = options.now ?? Date.now;
  const sessions = new SessionStore({ idleMs: settings.sessionIdleMs, maxMs: settings.sessionMaxMs }, now);
  const files = loadStaticFiles(options.webRoot);
  if (files.size === 0) logger.warn({ webRoot: options.webRoot }, 'console front end not built (npm run build): the console serves its API only');
  const csrfRefusals =
    (sources.registry.getSingleMetric('warden_console_csrf_refusals_total') as Counter | undefined) ??
    new Counter({ name: 'warden_console_csrf_refusals_total', help: 'Console requests refused as cross-site (no same-origin Origin or no CSRF token).', registers: [sources.registry] });
  const { host, port: wantedPort } = splitHostPort(settings.listen);
  // The certificate is asked for, not required: without one, the login link or a session cookie logs in.
  const server: Server = createServer({ ...options.tls.secureContext(), requestCert: true, rejectUnauthorized: false, handshakeTimeout: 10_000 });
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const stopPublishing = options.tls.onPublish((context) => server.setSecureContext(context));
  let hosts = new Set<string>();
  let origin = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setConsoleHeaders(res);
    if (!hostAllowed(req, hosts)) return sendText(res, 421, `this console does not answer for Host ${JSON.stringify(req.headers.host ?? '')}`);
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'OPTIONS') return sendText(res, 405, 'the console answers no cross-origin requests');
    if (req.method === 'GET' && url.pathname === '/login') {
      const token = url.searchParams.get('token');
      if (!settings.devLogin || !token || !sessions.redeemLoginToken(token)) return sendText(res, 403, 'this login link is not valid: it was used already, has expired, or was never issued');
      res.setHeader('set-cookie', sessionCookie(sessions.open('dev-login')));
      res.statusCode = 303;
      res.setHeader('location', '/');
      res.end();
      return;
    }
    const asset = files.get(url.pathname);
    if (asset?.immutable && isSafeMethod(req.method)) {
      setConsoleHeaders(res, true);
      res.setHeader('content-type', asset.contentType);
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    const cookie = cookieValue(req, SESSION_COOKIE);
    let session = cookie ? sessions.find(cookie) : undefined;
    if (!session) {
      const admin = certificateAdmin(req, settings.admins);
      if (admin) {
        session = sessions.open(admin);
        res.setHeader('set-cookie', sessionCookie(session));
      }
    }
    if (!session) {
      if (url.pathname.startsWith('/api/')) return sendJson(res, 401, { error: 'not logged in' });
      return sendText(res, 401, 'Log in to the Warden console with a client certificate whose SPIFFE ID is in console.admins, or (warden serve --dev) with the one-time link printed at start.');
    }
    if (!isSafeMethod(req.method)) {
      const refusal = csrfRefusal(req, `https://${req.headers.host}`, session.csrfToken);
      if (refusal) {
        csrfRefusals.inc();
        logger.warn({ path: url.pathname, refusal }, 'console request refused as cross-site');
        return sendJson(res, 403, { error: `refused as cross-site: ${refusal}` });
      }
    }
    if (req.method === 'POST' && url.pathname === '/logout') {
      sessions.close(session.id);
      res.setHeader('set-cookie', CLEARED_COOKIE);
      return sendJson(res, 200, { loggedOut: true });
    }
    if (url.pathname.startsWith('/api/')) {
      if (await answerApi(sources, { req, res, url, session, expiresAtMs: sessions.expiresAt(session) })) return;
      return sendJson(res, 404, { error: `no API ${url.pathname}` });
    }
    const page = files.get(url.pathname === '/' ? '/index.html' : url.pathname);
    if (page && isSafeMethod(req.method)) {
      res.setHeader('content-type', page.contentType);
      res.end(req.method === 'HEAD' ? undefined : page.body);
      return;
    }
    if (url.pathname === '/' && files.size === 0) return sendText(res, 503, 'the console front end is not built: run npm run build');
    return sendText(res, 404, 'not found');
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof ConsoleError) return sendJson(res, STATUS[e.code], { error: e.message, code: e.code });
      logger.error({ err: { message: (e as Error).message } }, 'console request failed');
      sendJson(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(wantedPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostText = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  hosts = allowedHosts(addr.address, addr.port, settings.hosts);
  origin = `https://${hostText}:${addr.port}`;
  const loginLink = settings.devLogin ? `${origin}/login?token=${sessions.issueLoginToken()}` : undefined;
  return {
    address: `${hostText}:${addr.port}`,
    url: origin,
    loginLink,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        stopPublishing();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
