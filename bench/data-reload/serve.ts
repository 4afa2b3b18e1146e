// The server of bench:reload: `warden serve` on a policy directory, watching it, evaluation pool as
// deployed. From dist/ when it is built (as the `warden` binary runs), else from src/.
import { existsSync } from 'node:fs';

type ServerModule = typeof import('../../src/server/index.js');
type RegoModule = typeof import('../../src/rego/index.js');

const dist = new URL('../../dist/', import.meta.url);
const fromDist = existsSync(new URL('server/index.js', dist));
const base = fromDist ? dist.href : new URL('../../src/', import.meta.url).href;
const { startServer } = (await import(`${base}server/index.js`)) as ServerModule;
const { compile } = (await import(`${base}rego/index.js`)) as RegoModule;
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
