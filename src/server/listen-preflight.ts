import { createServer } from 'node:net';
import { splitHostPort } from '../audit/index.js';

/**
 * Whether `listen` (`HOST:PORT`) can be listened on right now: resolves when it can (port 0, or an
 * address that is not `HOST:PORT`, such as grpc-js's `unix:` ones, is left to the real bind),
 * rejects with the reason (`EADDRINUSE`, `ENOTFOUND`, …) when it cannot. A server that cannot take
 * its port then says so at once, before compiling its policy and starting its threads; the real
 * bind later still judges (another process may take the port in between).
 */
export async function listenPreflight(listen: string): Promise<void> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = splitHostPort(listen));
  } catch {
    return;
  }
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => resolve());
  });
  await new Promise((resolve) => probe.close(resolve));
}
