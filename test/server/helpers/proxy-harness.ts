/** Running a real proxy (nginx, Caddy) in front of a tiny upstream for the HTTP door's tests. */
export { freePort, startProcess, waitForPort, type RunningProcess } from '../../../scripts/fleet/processes.js';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** The service behind the proxy: answers every request 200 `upstream: <path>` and remembers it. */
export async function startUpstream(): Promise<{ server: Server; port: number; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`upstream: ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : 0,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
