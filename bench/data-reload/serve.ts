// The server of bench:reload: `warden serve` on a policy directory, watching it, evaluation pool as deployed.
import { startServer } from '../../src/server/index.js';
import { compile } from '../../src/rego/index.js';

const { listen, tls, policies, decisionLog } = JSON.parse(process.argv[2]!) as { listen: string; tls: { ca: string; serverCert: string; serverKey: string }; policies: string; decisionLog: string };
await startServer({
  listen,
  tls: { cert: tls.serverCert, key: tls.serverKey, clientCa: tls.ca },
  policies,
  decisionLog,
  metrics: false,
  policyPollIntervalMs: 250,
  compiler: (modules, entrypoints) => compile({ modules, entrypoints }),
});
process.on('SIGINT', () => process.exit(0));
