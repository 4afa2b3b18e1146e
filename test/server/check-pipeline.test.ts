import test from 'ava';
import type { DecisionOutcome, Engine } from '../../src/engine/index.js';
import { answerStage } from '../../src/server/check-route/answer-stage.js';
import { CheckPipeline } from '../../src/server/check-route/check-pipeline.js';
import type { Check, CheckRoute } from '../../src/server/check-route/check.js';
import type { ProtectionCheck, ProtectionView } from '../../src/server/check-route/protection-stage.js';
import type { CallState } from '../../src/server/pipeline.js';
import { startFixture, unary, REQUESTER, type Fixture } from './helpers/fixture.js';

type CheckResponse = { allowed?: boolean; reasons?: string[]; decision_id?: string; cached?: boolean };
type EnvoyResponse = { status: { code?: number; message?: string }; denied_response?: { status: { code: string | number }; headers?: Array<{ header: { key: string; value: string } }> }; ok_response?: unknown };

const SIDECAR = 'spiffe://example.org/ns/shop/sa/catalog-sidecar';
const BANNED = 'requester is banned (test)';

/** A deny-all protection check, switched on and off by the test; it records what it saw. */
let banning = false;
const seen: ProtectionView[] = [];
const banAll: ProtectionCheck = (view) => {
  seen.push(view);
  return banning ? BANNED : undefined;
};
/** One that fails, for the requester of that name only (fail closed: it denies). */
const broken: ProtectionCheck = (view) => {
  if (view.connection.requester.id.endsWith('/sa/broken')) throw new Error('ban list unreadable');
  return view.connection.requester.id.endsWith('/sa/rejecting') ? Promise.reject(new Error('ban service down')) : undefined;
};

function envoyRequest() {
  return {
    attributes: {
      source: { address: { socket_address: { address: '10.0.0.5', port_value: 43210 } }, principal: 'spiffe://example.org/ns/shop/sa/orders' },
      request: { http: { id: 'req-1', method: 'GET', path: '/items/1', host: 'catalog.shop', headers: { ':method': 'GET' } } },
    },
  };
}

let fx: Fixture;
test.before(async () => {
  fx = await startFixture({ config: { protection: [broken, banAll] } });
});
test.after.always(async () => {
  await fx?.close();
});

test.serial('a protection check plugged into the list denies Check, CheckBatch and Envoy Check before the cache, with its reason in the answer and the log', async (t) => {
  const c = fx.clients();
  const envoy = fx.clients(SIDECAR);
  const req = { action: 'read', resource: { service: 'orders', path: '/orders/7' } };
  banning = false;
  t.true((await unary<CheckResponse>(c.authz, 'Check', req)).allowed);
  // The same bytes again: recalled from the cache by their bytes, so the ban must come before the cache.
  t.true((await unary<CheckResponse>(c.authz, 'Check', req)).cached);
  t.is((await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest())).status.code ?? 0, 0);

  banning = true;
  const check = await unary<CheckResponse>(c.authz, 'Check', req);
  t.false(check.allowed ?? false);
  t.deepEqual(check.reasons, [BANNED]);
  t.falsy(check.cached);
  const batch = await unary<{ results: CheckResponse[] }>(c.authz, 'CheckBatch', { checks: [req, { action: 'write', resource: { service: 'orders' } }] });
  t.is(batch.results.length, 2);
  for (const r of batch.results) {
    t.false(r.allowed ?? false);
    t.deepEqual(r.reasons, [BANNED]);
  }
  const denied = await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest());
  t.is(denied.status.code, 7);
  t.is(denied.denied_response!.status.code, 'Forbidden');
  banning = false;

  const ids = [check.decision_id!, ...batch.results.map((r) => r.decision_id!)];
  const envoyId = denied.denied_response!.headers!.find((h) => h.header.key === 'x-warden-decision-id')!.header.value;
  const lines = await fx.decisions(1, envoyId);
  for (const id of ids) {
    const line = lines.find((l) => l.decision_id === id);
    t.truthy(line, `decision ${id} is logged`);
    t.false(line!.allowed);
    t.deepEqual(line!.reasons, [BANNED]);
    t.is((line!.requester as { id: string }).id, REQUESTER);
  }
  const envoyLine = lines.find((l) => l.decision_id === envoyId)!;
  t.is(envoyLine.api, 'envoy');
  t.false(envoyLine.allowed);
  t.deepEqual(envoyLine.reasons, [BANNED]);
  t.is((envoyLine.requester as { id: string }).id, SIDECAR);
  // The check saw every route, with the caller's verified identity.
  t.deepEqual([...new Set(seen.map((v) => v.method))].sort(), ['/envoy.service.auth.v3.Authorization/Check', '/warden.authz.v1.Authorizer/Check', '/warden.authz.v1.Authorizer/CheckBatch']);
  const metrics = await fx.server.metrics.registry.getSingleMetricAsString('warden_decisions_total');
  t.regex(metrics, /api="authorizer",result="deny"\} [1-9]/);
  c.close();
  envoy.close();
});

test.serial('a protection check that throws or rejects denies the check, saying so (fail closed)', async (t) => {
  for (const [who, message] of [['broken', 'ban list unreadable'], ['rejecting', 'ban service down']] as const) {
    const c = fx.clients(`spiffe://example.org/ns/shop/sa/${who}`);
    const res = await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { service: 'orders' } });
    t.false(res.allowed ?? false);
    t.deepEqual(res.reasons, [`protection check failed: ${message}`]);
    c.close();
  }
});

function callState(): CallState {
  const requester = { id: 'spiffe://example.org/ns/a/sa/b', authenticated_by: 'mtls' as const };
  return {
    api: 'authorizer',
    method: 'test',
    started: performance.now(),
    connection: { requester, sourceIp: '127.0.0.1', key: 'k', notBefore: 0, notAfter: Infinity, chain: [], trustGeneration: 0 },
    decisions: [],
  };
}

/** A route over a fixed input, answering with the decision itself. */
const route: CheckRoute = {
  api: 'authorizer',
  entrypoint: 'e',
  shape: 'authz',
  identify(check) {
    check.inputJson = '{"x":1}';
  },
  answer: (check) => ({ allowed: check.outcome!.decision.allow, id: check.decisionId }),
  record: (check) => `{"decision_id":"${check.decisionId}"}`,
};

test('a cached check is answered in the same turn, without a promise; a stage that waits makes the answer a promise', async (t) => {
  const hit: DecisionOutcome = { decision: { allow: true, reasons: [] }, revision: 'r', cached: true, inputJson: '{"x":1}' };
  const engine = { lookup: () => hit, decide: () => hit, revision: { id: 'r' } } as unknown as Engine;
  const pipeline = new CheckPipeline({ engine });
  t.deepEqual(pipeline.stages.map((s) => s.name), ['identity', 'protection', 'cache', 'decide', 'limits', 'answer', 'log', 'watch']);
  const check: Check = { state: callState(), route };
  const answer = pipeline.run(check);
  t.false(answer instanceof Promise);
  t.true((answer as { allowed: boolean }).allowed);
  t.is(check.state.decisions.length, 1);
  t.true(check.state.decisions[0]!.cacheHit);

  const waiting = new CheckPipeline({ engine, protection: [async () => undefined] });
  const later = waiting.run({ state: callState(), route });
  t.true(later instanceof Promise);
  t.true(((await later) as { allowed: boolean }).allowed);
});

test('a check that reaches the answer stage undecided is a deny, not an allow', (t) => {
  const check: Check = { state: callState(), route };
  answerStage.run(check);
  t.false((check.response as { allowed: boolean }).allowed);
  t.deepEqual(check.outcome!.decision.reasons, ['no stage decided the check']);
});

test('limits a decision asks for are enforced, cached or fresh; without countermeasures to enforce them the allow is a deny', async (t) => {
  const { Countermeasures } = await import('../../src/protection/countermeasures.js');
  const { parseProtectionConfig } = await import('../../src/protection/protection-config.js');
  const { pino } = await import('pino');
  const limited: DecisionOutcome = { decision: { allow: true, reasons: [], limits: [{ name: 'export', key: 'alice', perSecond: 1, burst: 2 }] }, revision: 'r', cached: true, inputJson: '{"x":1}' };
  const engine = { lookup: () => limited, decide: () => limited, revision: { id: 'r' } } as unknown as Engine;
  const countermeasures = new Countermeasures(parseProtectionConfig({}), { logger: pino({ level: 'silent' }) });
  t.teardown(() => countermeasures.close(0));
  const pipeline = new CheckPipeline({ engine, countermeasures });
  const answers = [0, 1, 2].map(() => pipeline.run({ state: callState(), route }) as { allowed: boolean });
  t.deepEqual(answers.map((a) => a.allowed), [true, true, false]);
  const check: Check = { state: callState(), route };
  pipeline.run(check);
  t.deepEqual(check.outcome!.decision.reasons, ['rate limited: export (1/s, burst 2)']);
  t.is(check.outcome!.decision.refusedBy, 'rate_limit');
  t.false(check.outcome!.cached, 'a refusal is never a cached answer');
  const without = new CheckPipeline({ engine });
  const lone: Check = { state: callState(), route };
  t.false((without.run(lone) as { allowed: boolean }).allowed);
  t.regex(lone.outcome!.decision.reasons[0]!, /^rate limited: the policy asks for limits and none can be enforced here/);
});
