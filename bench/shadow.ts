// What `--shadow` costs the serving thread: the Check handler called directly (as bench:handler
// does, without the network), with no shadow and with a shadow revision (the same policies, so
// every call is evaluated and compared, none logged), on cache hits and on misses. The shadow
// evaluates on the serving thread's spare turns (setImmediate), so its cost shows as time per call;
// each run waits for the shadow's queue to drain before stopping its clock.
// Usage: npm run bench:shadow [-- --calls 100000 --rounds 3]
import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { OffThreadDecisionLog, WardenMetrics } from '../src/audit/index.js';
import { ensureDevCa, issueDevCertificate } from '../src/devca/dev-ca.js';
import { Engine, loadRevision } from '../src/engine/index.js';
import { compile } from '../src/rego/index.js';
import { authorizerService } from '../src/server/authorizer-service.js';
import { CheckPipeline } from '../src/server/check-route/check-pipeline.js';
import { DEFAULT_LIMITS, SERVE_DEFAULTS } from '../src/server/config.js';
import { credentialSetup } from '../src/server/credential-setup.js';
import { loadPackageDefinition, rawRequestService } from '../src/server/protos.js';
import { Countermeasures } from '../src/protection/countermeasures.js';
import { parseProtectionConfig } from '../src/protection/protection-config.js';
import { loadShadowCandidate, ShadowEvaluator, ShadowMetrics } from '../src/shadow/index.js';
import { checkRequest, missRequest } from './check/protocol.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const calls = Number(values.calls);
const rounds = Number(values.rounds);

const decision = SERVE_DEFAULTS.decision;
const engine = new Engine();
engine.swap(await loadRevision({ policies: 'policies', entrypoints: [decision], compiler: (modules, entrypoints) => compile({ modules, entrypoints }) }));
const decisionLog = new OffThreadDecisionLog({ destination: join(mkdtempSync(join(tmpdir(), 'warden-shadow-bench-')), 'decisions.log') });
const metrics = new WardenMetrics();
const method = rawRequestService(loadPackageDefinition(), 'warden.authz.v1.Authorizer').Check!;
const encodeCheckResponse = method.responseSerialize as (response: unknown) => Buffer;
const logger = pino({ level: 'warn' });
const countermeasures = new Countermeasures(parseProtectionConfig({}), { logger, metrics: metrics.protection });
const { credentials } = credentialSetup({}, { logger, metrics, countermeasures });
const deps = { logger, decisionLog, metrics, engine, jwt: undefined, limits: DEFAULT_LIMITS, decision, envoyDecision: decision, encodeCheckResponse, countermeasures, credentials };
const candidate = await loadShadowCandidate('policies', [decision]);
const shadow = new ShadowEvaluator({ decide: candidate.decide, revision: candidate.revision, metrics: new ShadowMetrics(new Registry()), logger, queueLimit: 1_000_000 });
type Handler = (call: unknown, callback: (error: unknown, response?: unknown) => void) => void;
const plain = authorizerService(deps).Check as Handler;
const shadowed = authorizerService(deps, new CheckPipeline({ ...deps, shadow })).Check as Handler;

const session = {};
const REQUESTER = 'spiffe://warden.local/ns/shop/sa/frontend';
const ca = ensureDevCa(join(mkdtempSync(join(tmpdir(), 'warden-shadow-bench-ca-')), 'ca'));
const certificate = { raw: new X509Certificate(issueDevCertificate(ca.dir, REQUESTER).cert).raw, subjectaltname: `URI:${REQUESTER}` };
const callFor = (request: unknown) => ({ request, call: { stream: { session } }, getDeadline: () => Infinity, getPeer: () => '127.0.0.1:40000', getAuthContext: () => ({ sslPeerCertificate: certificate }) });

/** µs per call for `calls` calls, 64 in flight, including the shadow's work after them. */
async function run(check: Handler, requestFor: (i: number) => unknown): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    const issue = () => {
      if (next >= calls) return;
      const i = next++;
      check(callFor(requestFor(i)), (error) => {
        if (error) return reject(error);
        if (++done === calls) resolve();
        else setImmediate(issue);
      });
    };
    for (let k = 0; k < 64; k++) issue();
  });
  await shadow.idle();
  return (Number(process.hrtime.bigint() - started) / 1e3) / calls;
}

const hitBytes = method.requestSerialize(checkRequest('/orders/42')) as Buffer;
const missBytes = (round: number, label: string) => Array.from({ length: calls }, (_, i) => method.requestSerialize(missRequest(`${label}-${round}-${i}`)) as Buffer);
console.log(`the handler alone on the serving thread (src/ through tsx), ${calls} calls a run, 64 in flight; shadow = the same policies`);
const warm = missBytes(-1, 'warm');
await run(plain, (i) => method.requestDeserialize(warm[i]!));
await run(shadowed, (i) => method.requestDeserialize(warm[i]!));
const figures: Record<string, number[]> = { 'hit, no shadow': [], 'hit, shadow': [], 'miss, no shadow': [], 'miss, shadow': [] };
for (let round = 0; round < rounds; round++) {
  figures['hit, no shadow']!.push(await run(plain, () => method.requestDeserialize(hitBytes)));
  figures['hit, shadow']!.push(await run(shadowed, () => method.requestDeserialize(hitBytes)));
  const a = missBytes(round, 'a');
  figures['miss, no shadow']!.push(await run(plain, (i) => method.requestDeserialize(a[i]!)));
  const b = missBytes(round, 'b');
  figures['miss, shadow']!.push(await run(shadowed, (i) => method.requestDeserialize(b[i]!)));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
for (const [label, xs] of Object.entries(figures)) console.log(`${label.padEnd(16)} ${median(xs).toFixed(1).padStart(7)} µs per call  (${Math.round(1e6 / median(xs)).toLocaleString('en')} calls/s; rounds: ${xs.map((x) => x.toFixed(1)).join(', ')})`);
for (const kind of ['hit', 'miss']) console.log(`shadow cost on a ${kind}: ${(median(figures[`${kind}, shadow`]!) - median(figures[`${kind}, no shadow`]!)).toFixed(1)} µs per call`);
const view = shadow.view();
console.log(`shadow: ${view.evaluations} evaluated, ${view.dropped} dropped, disagreements ${JSON.stringify(view.disagreements)}`);
await decisionLog.close();
await countermeasures.close(0);
