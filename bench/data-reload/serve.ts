// The server of bench:reload: `warden serve` on a policy directory, watching it, evaluation pool as
// deployed, from dist/ when it is built.
import { compile, fromDist, startServer } from '../server-modules.js';
process.send!({ fromDist });

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
