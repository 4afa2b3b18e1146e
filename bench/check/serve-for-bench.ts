import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ServerMessage, TlsPaths } from './protocol.js';

/**
 * Binds a benchmarked server on an ephemeral loopback port over mTLS with `tls`, tells the parent
 * process its address, and answers the parent's `cpu` questions with this process's CPU time.
 */
export function serveForBench(server: grpc.Server, tls: TlsPaths): void {
  const credentials = grpc.ServerCredentials.createSsl(readFileSync(tls.ca), [{ cert_chain: readFileSync(tls.serverCert), private_key: readFileSync(tls.serverKey) }], true);
  server.bindAsync('127.0.0.1:0', credentials, (error, port) => {
    if (error) throw error;
    process.send!({ type: 'ready', address: `127.0.0.1:${port}` } satisfies ServerMessage);
  });
  process.on('message', (m: string) => {
    if (m === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage(), elu: performance.eventLoopUtilization() } satisfies ServerMessage);
  });
  process.on('SIGINT', () => process.exit(0));
}
