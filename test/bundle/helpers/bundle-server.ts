/** A bundle server on a free loopback port for the downloader's tests: it records every request and `answer` decides each response. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenBundleRequest {
  at: number;
  headers: IncomingMessage['headers'];
}

export interface BundleServer {
  url: string;
  seen: SeenBundleRequest[];
  /** Changes how later requests are answered. */
  answer: (n: number, req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startBundleServer(answer: BundleServer['answer']): Promise<BundleServer> {
  const seen: SeenBundleRequest[] = [];
  const state = { answer };
  const server: Server = createServer((req, res) => {
    const n = seen.length;
    seen.push({ at: Date.now(), headers: req.headers });
    state.answer(n, req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bundles/warden.tar.gz`,
    seen,
    set answer(a) {
      state.answer = a;
    },
    get answer() {
      return state.answer;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers a bundle body with an ETag, or 304 when `If-None-Match` names it. */
export function etagAnswer(body: () => string, etag: () => string, extraHeaders: Record<string, string> = {}) {
  return (_n: number, req: IncomingMessage, res: ServerResponse) => {
    if (req.headers['if-none-match'] === etag()) {
      res.writeHead(304, { ETag: etag(), ...extraHeaders });
      res.end();
      return;
    }
    res.writeHead(200, { ETag: etag(), 'Content-Type': 'application/gzip', ...extraHeaders });
    res.end(body());
  };
}

/** Waits until `condition` holds, for at most `ms` (generous: a loaded 2-core machine). */
export async function eventually(condition: () => boolean, ms = 20_000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return condition();
}
