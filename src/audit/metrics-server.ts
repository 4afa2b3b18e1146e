import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `host:port` it listens on. */
  address: string;
  /** The scrape URL. */
  url: string;
  close(): Promise<void>;
}

/** What else a metrics endpoint does besides serving metrics. */
export interface MetricsServerOptions {
  /** The status document served as JSON at `GET /status`. */
  status?: () => unknown;
  /** The DNS-rebinding check: the reason a request's `Host` is refused, `undefined` when it is fine. */
  checkHost?: (req: IncomingMessage) => string | undefined;
}

/** Headers on every answer: a browser must neither sniff nor cache one (served in plaintext: no HSTS). */
const WEB_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };

function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { ...WEB_HEADERS, 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) => answer(res, status, 'application/json', `${JSON.stringify(body)}\n`);

/** Splits `HOST:PORT` (`[::1]:9464` for IPv6). */
export function splitHostPort(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]*):(\d+)$/.exec(text);
  if (!m) throw new Error(`expected HOST:PORT, got ${JSON.stringify(text)}`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`port out of range in ${JSON.stringify(text)}`);
  return { host: m[1] === '' ? '127.0.0.1' : m[1]!, port };
}

/**
 * Serves `registry` in Prometheus text format at `GET /metrics` on `listen` (`HOST:PORT`, port 0 for
 * an ephemeral one), and `status()` as JSON at `GET /status` when given (for operators and
 * monitors, on the same network as the scrape; it holds no decision data). Every answer is JSON or
 * plain text with nosniff and no-store; with `checkHost`, a request naming a foreign `Host` is
 * answered 421.
 *
 * @example
 * const m = await startMetricsServer(metrics.registry, '127.0.0.1:9464', { status });
 * console.log(m.url); // http://127.0.0.1:9464/metrics
 */
export async function startMetricsServer(registry: Registry, listen: string, options: MetricsServerOptions = {}): Promise<MetricsServer> {
  const { host, port } = splitHostPort(listen);
  const { status, checkHost } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const foreignHost = checkHost?.(req);
    if (foreignHost !== undefined) return json(res, 421, { error: `misdirected request: ${foreignHost}` });
    if (req.method === 'GET' && path === '/status' && status) return json(res, 200, status());
    if (req.method !== 'GET' || path !== '/metrics') return json(res, 404, { error: 'not found' });
    registry.metrics().then(
      (text) => answer(res, 200, registry.contentType, text),
      (e: Error) => json(res, 500, { error: e.message }),
    );
  });
  server.on('clientError', (e: Error & { code?: string }, socket) => {
    // node's own answer to a request it cannot parse carries no headers of ours: this one does.
    if (e.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const head = Object.entries({ ...WEB_HEADERS, 'content-type': 'text/plain', connection: 'close', 'content-length': '12' }).map(([n, v]) => `${n}: ${v}\r\n`).join('');
    socket.end(`HTTP/1.1 400 Bad Request\r\n${head}\r\nbad request\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostText = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    address: `${hostText}:${addr.port}`,
    url: `http://${hostText}:${addr.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
