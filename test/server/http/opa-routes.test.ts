import test from 'ava';
import { pino } from 'pino';
import { WardenMetrics, type DecisionRecord, type DecisionSink } from '../../../src/audit/index.js';
import { buildRevision, dataDocument, Engine } from '../../../src/engine/index.js';
import { CheckPipeline } from '../../../src/server/check-route/check-pipeline.js';
import type { ProtectionCheck } from '../../../src/server/check-route/protection-stage.js';
import { DEFAULT_LIMITS } from '../../../src/server/config.js';
import { startHttpListener } from '../../../src/server/http/http-listener.js';
import { opaDataRoutes } from '../../../src/server/http/opa-data-route.js';
import { opaHealthRoute } from '../../../src/server/http/opa-health-route.js';
import { opaPoliciesRoute } from '../../../src/server/http/opa-policies-route.js';
import { fetchReply, regoCompiler } from '../helpers/forward-auth.js';

const DECISION = 'warden/authz/decision';
const POLICY = `package warden.authz

decision := {"allow": input.requester.id == "anonymous-proxy", "reasons": []} if input.ready
`;

/**
 * A plaintext listener with OPA's routes over `engine` (none loaded unless given: POLICY, or
 * `policy` with `dataJson` as a bundle's data.json) and a pipeline with `protection`.
 */
async function listen(options: { protection?: ProtectionCheck[]; decisionTimeoutMs?: number; loaded?: boolean; policy?: string; dataJson?: string } = {}) {
  const records: Array<DecisionRecord | string> = [];
  const logger = pino({ level: 'silent' });
  const decisionLog = { write: (r: DecisionRecord | string) => void records.push(r), flush: async () => {}, close: async () => {}, dropped: 0 } as unknown as DecisionSink;
  const engine = new Engine();
  if (options.loaded) {
    const modules = [{ path: 'authz.rego', source: options.policy ?? POLICY }];
    const data = options.dataJson === undefined ? { data: {} } : { dataDocuments: [dataDocument('data.json', [], new TextEncoder().encode(options.dataJson))] };
    engine.swap(await buildRevision({ wasm: await regoCompiler(modules, [DECISION]), ...data, source: 'test', modules }));
  }
  const metrics = new WardenMetrics();
  const pipeline = new CheckPipeline({ engine, protection: options.protection ?? [] });
  const deps = { engine, pipeline, logger, decisionLog, metrics, decision: DECISION, decisionTimeoutMs: options.decisionTimeoutMs ?? 5_000, maxBodyBytes: 1024, maxDepth: 8 };
  const routes = [...opaDataRoutes(deps), opaHealthRoute(engine), opaPoliciesRoute(engine)];
  const listener = await startHttpListener({ listen: '127.0.0.1:0', routes, tls: undefined, limits: DEFAULT_LIMITS, logger });
  const ask = (path: string, method = 'POST', body?: string) => fetchReply(`http://${listener.address}${path}`, { method, body });
  return { listener, ask, records, engine, metrics };
}

const json = (body: string) => JSON.parse(body) as Record<string, any>;

test('no revision loaded: /health is 500, a data request is 500 internal_error (never a result), /v1/policies is empty', async (t) => {
  const { listener, ask, metrics } = await listen();
  t.teardown(() => listener.close(1000));
  const health = await ask('/health', 'GET');
  t.is(health.status, 500);
  t.regex(json(health.body).error, /no policy revision/);
  const data = await ask(`/v1/data/${DECISION}`, 'POST', '{"input":{}}');
  t.is(data.status, 500);
  t.deepEqual(json(data.body), { code: 'internal_error', message: 'no policy revision is loaded yet' });
  t.deepEqual(json((await ask('/v1/policies', 'GET')).body), { result: [] });
  t.is((await metrics.decisions.get()).values.find((v) => v.labels.api === 'opa')?.value ?? 0, 0, 'refused before any decision');
});

test('once loaded: /health is 200 {}; POST / without system/main answers the --decision entrypoint bare; undefined there is 404', async (t) => {
  const { listener, ask } = await listen({ loaded: true });
  t.teardown(() => listener.close(1000));
  const health = await ask('/health?bundles', 'GET');
  t.is(health.status, 200);
  t.deepEqual(json(health.body), {});
  const main = await ask('/', 'POST', '{"ready": true}');
  t.is(main.status, 200);
  t.deepEqual(json(main.body), { allow: true, reasons: [] }, 'plaintext: the requester is anonymous-proxy');
  const missing = await ask('/', 'POST', '{"ready": false}');
  t.is(missing.status, 404);
  t.like(json(missing.body), { code: 'undefined_document', message: 'document missing: data.warden.authz.decision' });
  t.is((await ask('/', 'GET')).status, 405);
});

test('a decision that does not come in time is 500 internal_error; its late record says what the caller got', async (t) => {
  let release: (() => void) | undefined;
  const stuck: ProtectionCheck = () => new Promise((resolve) => (release = () => resolve(undefined)));
  const { listener, ask, records } = await listen({ protection: [stuck], decisionTimeoutMs: 150, loaded: true });
  t.teardown(() => listener.close(1000));
  const res = await ask(`/v1/data/${DECISION}`, 'POST', '{"input":{"ready":true}}');
  t.is(res.status, 500);
  t.like(json(res.body), { code: 'internal_error', message: 'no decision within 150 ms' });
  release!();
  for (let waited = 0; records.length === 0 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  const record = records[0] as DecisionRecord;
  t.false(record.allowed);
  t.regex(record.reasons.at(-1) ?? '', /answered 500: no decision within 150 ms/);
});

test('refused before the policy: a rate limit is 429 with retry-after, another refusal 403, a failing check 500; none has a result', async (t) => {
  const verdicts: Array<ReturnType<ProtectionCheck>> = [{ kind: 'rate_limit', reason: 'rate limited: opa', retryAfterMs: 1500 }, { kind: 'ban', reason: 'banned' }];
  const check: ProtectionCheck = () => {
    const next = verdicts.shift();
    if (next === undefined) throw new Error('limit store down');
    return next;
  };
  const { listener, ask } = await listen({ protection: [check], loaded: true });
  t.teardown(() => listener.close(1000));
  const body = '{"input":{"ready":true}}';
  const limited = await ask(`/v1/data/${DECISION}`, 'POST', body);
  t.is(limited.status, 429);
  t.is(limited.headers['retry-after'], '2');
  t.like(json(limited.body), { code: 'unauthorized', message: 'rate limited: opa' });
  const banned = await ask(`/v1/data/${DECISION}`, 'POST', body);
  t.is(banned.status, 403);
  t.like(json(banned.body), { code: 'unauthorized', message: 'banned' });
  const failed = await ask(`/v1/data/${DECISION}`, 'POST', body);
  t.is(failed.status, 500);
  t.regex(json(failed.body).message, /protection check failed: limit store down/);
  for (const r of [limited, banned, failed]) t.false('result' in json(r.body));
});

test('numbers a double cannot hold stay exact, as OPA keeps them: from the input and the data to the module and back in the answer', async (t) => {
  const policy = `package warden.authz

default allow := false

decision := {"allow": allow, "reasons": [sprintf("%v + 1 = %v", [input.user, input.user + 1])], "banned": data.banned}

allow if {
  input.user == 1234567890123456789
  not input.user in data.banned
}
`;
  const { listener, ask, records } = await listen({ loaded: true, policy, dataJson: '{"banned": [1234567890123456788, 98765432109876543210]}' });
  t.teardown(() => listener.close(1000));
  const allowed = await ask(`/v1/data/${DECISION}`, 'POST', '{"input":{"user":1234567890123456789}}');
  t.is(allowed.status, 200);
  // JSON.parse would turn both numbers into 1234567890123456800: the banned one would be let in.
  t.is(allowed.body.replace(/,"decision_id":"[^"]+"/, ''), '{"result":{"allow":true,"banned":[1234567890123456788,98765432109876543210],"reasons":["1234567890123456789 + 1 = 1234567890123456790"]}}');
  const banned = await ask(`/v1/data/${DECISION}`, 'POST', '{"input":{"user":1234567890123456788}}');
  t.false(json(banned.body).result.allow);
  const pretty = await ask(`/v1/data/${DECISION}?pretty`, 'POST', '{"input":{"user":1234567890123456789}}');
  t.regex(pretty.body, /^ {6}1234567890123456788,$/m);
  for (let waited = 0; records.length < 3 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  t.true(records.some((r) => JSON.stringify(r).includes('1234567890123456788')), 'the decision log has the input as sent');
});
