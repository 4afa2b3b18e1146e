/** A decision-log collector as OPA's decision-log service API has it: gzipped JSON arrays of events POSTed to `/logs`. */
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface CollectedEvent {
  decision_id: string;
  labels: Record<string, string>;
  revision: string;
  [field: string]: unknown;
}

export interface LogCollector {
  /** The service URL to configure (`decisionLogService.url`). */
  readonly url: string;
  readonly events: CollectedEvent[];
  close(): Promise<void>;
}

/** Listens on a free loopback port; keeps every event it is sent; answers 400 to a body it cannot read. */
export function startLogCollector(): Promise<LogCollector> {
  const events: CollectedEvent[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/logs') return void res.writeHead(404).end();
      try {
        const body = Buffer.concat(chunks);
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : body.toString();
        events.push(...(JSON.parse(text) as CollectedEvent[]));
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, events, close: () => new Promise<void>((done) => server.close(() => done())) });
    }),
  );
}
