// What Warden's Check handler costs on the serving thread, without the network: the handler is
// called directly with calls shaped like grpc-js's, the decision log writes to a file, metrics are
// recorded. The figure is what Warden adds to grpc-js's own per-call work (see bench:check).
// BENCH_RATE_LIMIT=1 adds one rate limit by subject that never trips (what the countermeasures cost).
// Usage: npm run bench:handler [-- --calls 200000]
import { credentialSetup } from '../../src/server/credential-setup.js';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevCa, issueDevCertificate } from '../../src/devca/dev-ca.js';
import { checkRequest, missRequest } from './protocol.js';

type AuditModule = typeof import('../../src/audit/index.js');
type EngineModule = typeof import('../../src/engine/index.js');
type RegoModule = typeof import('../../src/rego/index.js');
type ServiceModule = typeof import('../../src/server/authorizer-service.js');
type ConfigModule = typeof import('../../src/server/config.js');
type ProtosModule = typeof import('../../src/server/protos.js');
type CountermeasuresModule = typeof import('../../src/protection/countermeasures.js');
type ProtectionConfigModule = typeof import('../../src/protection/protection-config.js');

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200000' } } });
const calls = Number(values.calls);

const dist = new URL('../../dist/', import.meta.url);
const fromDist = existsSync(new URL('server/index.js', dist));
const base = fromDist ? dist.href : new URL('../../src/', import.meta.url).href;
const { OffThreadDecisionLog, WardenMetrics } = (await import(`${base}audit/index.js`)) as AuditModule;
const { Engine, loadRevision } = (await import(`${base}engine/index.js`)) as EngineModule;
const { compile } = (await import(`${base}rego/index.js`)) as RegoModule;
const { authorizerService } = (await import(`${base}server/authorizer-service.js`)) as ServiceModule;
const { DEFAULT_LIMITS, SERVE_DEFAULTS } = (await import(`${base}server/config.js`)) as ConfigModule;
const { loadPackageDefinition, rawRequestService } = (await import(`${base}server/protos.js`)) as ProtosModule;
const { pino } = await import('pino');
const { Countermeasures } = (await import(`${base}protection/countermeasures.js`)) as CountermeasuresModule;
const { parseProtectionConfig } = (await import(`${base}protection/protection-config.js`)) as ProtectionConfigModule;

const decision = SERVE_DEFAULTS.decision;
const engine = new Engine();
engine.swap(await loadRevision({ policies: 'policies', entrypoints: [decision], compiler: (modules, entrypoints) => compile({ modules, entrypoints }) }));
const decisionLog = new OffThreadDecisionLog({ destination: join(mkdtempSync(join(tmpdir(), 'warden-handler-')), 'decisions.log') });
const metrics = new WardenMetrics();
// Requests arrive as bytes and are handed over as grpc-js hands them (through the service's
// deserializer); responses are encoded by its serializer, as grpc-js would.
const method = rawRequestService(loadPackageDefinition(), 'warden.authz.v1.Authorizer').Check!;
const encodeCheckResponse = method.responseSerialize as (response: unknown) => Buffer;
const logger = pino({ level: 'info' });
const limited = process.env.BENCH_RATE_LIMIT === '1';
const countermeasures = new Countermeasures(parseProtectionConfig(limited ? { rateLimits: [{ name: 'bench', by: 'subject', perSecond: 1e9, burst: 1e9 }] } : {}), { logger, metrics: metrics.protection });
const { credentials } = credentialSetup({}, { logger, metrics, countermeasures });
const service = authorizerService({ logger, decisionLog, metrics, engine, jwt: undefined, limits: DEFAULT_LIMITS, decision, envoyDecision: decision, encodeCheckResponse, countermeasures, credentials });
const check = service.Check as (call: unknown, callback: (error: unknown, response?: unknown) => void) => void;


// One HTTP/2 session for every call, as on one connection (identity is worked out once per session).
const session = {};
// A real certificate: the connection's identity keeps its validity window and chain (see connectionIdentity).
const REQUESTER = 'spiffe://warden.local/ns/shop/sa/frontend';
const ca = ensureDevCa(join(mkdtempSync(join(tmpdir(), 'warden-handler-ca-')), 'ca'));
const certificate = { raw: new X509Certificate(issueDevCertificate(ca.dir, REQUESTER).cert).raw, subjectaltname: `URI:${REQUESTER}` };
const callFor = (request: unknown) => ({
  request,
  call: { stream: { session } },
  getDeadline: () => Infinity,
  getPeer: () => '127.0.0.1:40000',
  getAuthContext: () => ({ sslPeerCertificate: certificate }),
});

async function run(label: string, requestFor: (i: number) => unknown): Promise<void> {
  const inFlight = 64;
  let next = 0;
  let allowed = 0;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    const issue = () => {
      if (next >= calls) return;
      const i = next++;
      check(callFor(requestFor(i)), (error, response) => {
        if (error) return reject(error);
        // Cached answers come encoded: decision id (38 bytes), then `allowed` (field 1) when true.
        if (Buffer.isBuffer(response) ? response[38] === 0x08 && response[39] === 1 : (response as { allowed: boolean }).allowed) allowed++;
        if (++done === calls) resolve();
        else setImmediate(issue);
      });
    };
    for (let k = 0; k < inFlight; k++) issue();
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(12)} ${((seconds / calls) * 1e6).toFixed(1).padStart(7)} µs per call  (${calls} calls, ${allowed} allowed)`);
}

console.log(`warden from ${fromDist ? 'dist/' : 'src/ through tsx'}; the handler alone, 64 calls in flight${limited ? '; one rate limit that never trips' : ''}`);
const hitBytes = method.requestSerialize(checkRequest('/orders/42')) as Buffer;
const serialized = (prefix: string) => Array.from({ length: calls }, (_, i) => method.requestSerialize(missRequest(`${prefix}${i}`)) as Buffer);
const warmBytes = serialized('/warm/');
await run('warm-up', (i) => method.requestDeserialize(warmBytes[i]!));
await run('cache hit', () => method.requestDeserialize(hitBytes));
const missBytes = serialized('/orders/');
await run('cache miss', (i) => method.requestDeserialize(missBytes[i]!));
await decisionLog.close();
await countermeasures.close(0);
