// Warden as `warden serve` runs it: the bundled policies/, mTLS, decision log to a file, no metrics
// endpoint (the metrics are still recorded).
import { compile } from '../../src/rego/index.js';
import { startServer } from '../../src/server/index.js';
import type { ServerMessage, TlsPaths } from './protocol.js';

const { tls, decisionLog } = JSON.parse(process.argv[2]!) as { tls: TlsPaths; decisionLog: string };
const server = await startServer({
  listen: '127.0.0.1:0',
  tls: { cert: tls.serverCert, key: tls.serverKey, clientCa: tls.ca },
  policies: 'policies',
  decisionLog,
  metrics: false,
  watch: false,
  compiler: (modules, entrypoints) => compile({ modules, entrypoints }),
});
process.send!({ type: 'ready', address: server.address } satisfies ServerMessage);
process.on('message', (m: string) => {
  if (m === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage() } satisfies ServerMessage);
});
process.on('SIGINT', () => process.exit(0));
