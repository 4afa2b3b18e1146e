import { createServer, type Server } from 'node:http';
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
 * monitors, on the same network as the scrape; it holds no decision data).
 *
 * @example
 * const m = await startMetricsServer(metrics.registry, '127.0.0.1:9464');
 * console.log(m.url); // http://127.0.0.1:9464/metrics
 */
export async function startMetricsServer(registry: Registry, listen: string, status?: () => unknown): Promise<MetricsServer> {
  const { host, port } = splitHostPort(listen);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/status' && status) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(`${JSON.stringify(status())}\n`);
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e.message}\n`),
    );
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
