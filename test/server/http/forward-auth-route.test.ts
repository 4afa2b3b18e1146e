import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import { WardenMetrics, type DecisionRecord, type DecisionSink } from '../../../src/audit/index.js';
import { Engine } from '../../../src/engine/index.js';
import { CheckPipeline } from '../../../src/server/check-route/check-pipeline.js';
import type { ProtectionCheck } from '../../../src/server/check-route/protection-stage.js';
import { ClientTrust } from '../../../src/server/client-trust.js';
import { DEFAULT_LIMITS } from '../../../src/server/config.js';
import { CREDENTIAL_READERS } from '../../../src/server/http/credential-readers.js';
import { forwardAuthRoute } from '../../../src/server/http/forward-auth-route.js';
import { startHttpListener } from '../../../src/server/http/http-listener.js';
import { testCredentialChecks } from '../../helpers/credential-checks.js';
import { createCa } from '../helpers/pki.js';
import { fetchReply } from '../helpers/forward-auth.js';

const ca = createCa();
const pem = encodeURIComponent(ca.issue({ cn: 'f', uris: ['spiffe://example.org/ns/shop/sa/frontend'] }).cert);

/** A plaintext listener whose route decides with `engine` (none loaded unless given) through a pipeline with `protection`. */
async function listen(protection: ProtectionCheck[] = [], decisionTimeoutMs = 5_000) {
  const records: Array<DecisionRecord | string> = [];
  const opsLog: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void opsLog.push(JSON.parse(line) as Record<string, unknown>) });
  const decisionLog = { write: (r: DecisionRecord | string) => void records.push(r), flush: async () => {}, close: async () => {}, dropped: () => 0 } as unknown as DecisionSink;
  const engine = new Engine();
  const metrics = new WardenMetrics();
  const route = forwardAuthRoute({
    engine,
    limits: DEFAULT_LIMITS,
    logger,
    envoyDecision: 'warden/authz/decision',
    jwt: undefined,
    trust: new ClientTrust([new X509Certificate(ca.cert)]),
    hosts: {},
    readers: CREDENTIAL_READERS,
    credentials: testCredentialChecks(),
    pipeline: new CheckPipeline({ engine, protection }),
    decisionLog,
    metrics,
    decisionTimeoutMs,
  });
  const listener = await startHttpListener({ listen: '127.0.0.1:0', routes: [route], tls: undefined, limits: DEFAULT_LIMITS, logger });
  const ask = () => fetchReply(`http://${listener.address}/authz`, { headers: { 'x-original-method': 'GET', 'x-original-uri': '/x', 'x-client-cert': pem } });
  return { listener, ask, records, opsLog, metrics };
}

test('no revision loaded: 403 (never an allow, never a 5xx), with the reason in the operational log', async (t) => {
  const { listener, ask, opsLog, metrics } = await listen();
  t.teardown(() => listener.close(1000));
  const res = await ask();
  t.is(res.status, 403);
  t.false(JSON.parse(res.body).allowed);
  t.truthy(opsLog.find((l) => String(l.msg).startsWith('forward-auth answered 403: no decision')));
  const decisions = await metrics.decisions.get();
  t.is(decisions.values.find((v) => v.labels.api === 'http' && v.labels.result === 'error')?.value, 1);
});

test('a decision that does not come in time: 403 after the timeout; its late record says it was not allowed', async (t) => {
  let release: (() => void) | undefined;
  const stuck: ProtectionCheck = () => new Promise((resolve) => (release = () => resolve('late deny')));
  const { listener, ask, records } = await listen([stuck], 150);
  t.teardown(() => listener.close(1000));
  const res = await ask();
  t.is(res.status, 403);
  release!();
  for (let waited = 0; records.length === 0 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  const record = records[0] as DecisionRecord;
  t.false(record.allowed);
  t.regex(record.reasons.at(-1) ?? '', /answered 403: no decision within 150 ms/);
});

test('a protection check that throws denies with 403', async (t) => {
  const { listener, ask, records } = await listen([() => { throw new Error('store down'); }]);
  t.teardown(() => listener.close(1000));
  const res = await ask();
  t.is(res.status, 403);
  t.regex((records[0] as DecisionRecord).reasons[0] ?? '', /protection check failed: store down/);
});

test('close drains: a request in flight is answered, then the listener stops within its bound', async (t) => {
  let release: (() => void) | undefined;
  const slow: ProtectionCheck = () => new Promise((resolve) => (release = () => resolve('slow deny')));
  const { listener, ask } = await listen([slow]);
  const pending = ask();
  for (let waited = 0; release === undefined && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  const closing = listener.close(5_000);
  release!();
  t.is((await pending).status, 403);
  await closing;
  await t.throwsAsync(ask(), undefined, 'no longer listening');
});
