import test from 'ava';
import * as protoLoader from '@grpc/proto-loader';
import { buildRevision, canonicalCopy, Engine, type PolicyCompiler } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';
import { DEFAULT_LIMITS, LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { EvaluationPool } from '../../src/server/check-worker/evaluation-pool.js';
import { startFixture, unary } from './helpers/fixture.js';

type CheckResponse = { allowed?: boolean; reasons?: string[]; cached?: boolean };

const DECISION = 'warden/authz/decision';

// "until" is a time-of-day style rule: allowed until the deadline the request carries.
const POLICY = `package warden.authz

default allow := false

allow if input.action == "read"

allow if {
	input.action == "until"
	time.now_ns() / 1000000 < input.context.until_ms
}

decision := {"allow": allow, "reasons": []}
`;

const realCompiler: PolicyCompiler = (modules, entrypoints) => compile({ modules, entrypoints });
const untilRequest = (untilMs: number) => ({ action: 'until', context: { fields: { until_ms: { numberValue: untilMs } } } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('Check: a decision that read the clock is never cached or recalled, and follows the time; a deterministic one still is', async (t) => {
  const fx = await startFixture({ policyFiles: { 'authz.rego': POLICY }, config: { compiler: realCompiler, cache: { ttlMs: 60_000 } } });
  t.teardown(() => fx.close());
  const c = fx.clients();
  const read = await unary<CheckResponse>(c.authz, 'Check', { action: 'read' });
  t.like(read, { allowed: true });
  t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read' })).cached, 'deterministic decisions are cached');

  // The same request bytes again and again: on this thread, on the check worker once it has
  // loaded the revision, and through the serving thread's memory of requests the worker answered.
  const deadline = Date.now() + 3000;
  const request = untilRequest(deadline);
  let calls = 0;
  while (calls < 8 && Date.now() < deadline - 1000) {
    const res = await unary<CheckResponse>(c.authz, 'Check', request);
    // A busy machine may answer a call after the deadline it was asked before: then it is a deny.
    if (Date.now() < deadline) t.true(res.allowed, `call ${calls}`);
    t.falsy(res.cached, `call ${calls}`);
    calls++;
    await sleep(50);
  }
  t.true(calls >= 2, 'the same request was asked again before the deadline');
  await sleep(Math.max(0, deadline - Date.now() + 100));
  const late = await unary<CheckResponse>(c.authz, 'Check', request);
  t.falsy(late.allowed, 'past the deadline: no answer from the past');
  t.falsy(late.cached);
  const batch = await unary<{ results: CheckResponse[] }>(c.authz, 'CheckBatch', { checks: [request, request] });
  t.deepEqual(batch.results.map((r) => r.cached ?? false), [false, false]);
  // Batch items are evaluated in the pool and their decisions kept by the serving thread: a
  // second batch would find the first one's if a volatile decision were kept.
  const again = await unary<{ results: CheckResponse[] }>(c.authz, 'CheckBatch', { checks: [request] });
  t.deepEqual(again.results.map((r) => r.cached ?? false), [false]);
});

test('evaluation workers report a non-deterministic decision as fresh and volatile every time; the serving thread keeps none of them', async (t) => {
  const wasm = await compile({ modules: [{ path: 'authz.rego', source: POLICY }], entrypoints: [DECISION] });
  const revision = await buildRevision({ wasm, data: {}, source: 'test' });
  const pool = new EvaluationPool({ cache: { ttlMs: 60_000 }, limits: DEFAULT_LIMITS, decision: DECISION, budgetMs: 5_000, workers: 1, spares: 0 });
  t.teardown(() => pool.stop());
  pool.serve(revision);
  // A worker starting under tsx on a loaded machine can take many seconds.
  t.true(await pool.whenReady(60_000, { workers: 1, spares: 0 }), 'the worker took the revision');
  const requester = canonicalCopy({ id: 'spiffe://example.org/ns/shop/sa/frontend', trust_domain: 'example.org', namespace: 'shop', service_account: 'frontend', authenticated_by: 'mtls' as const });
  const connection = JSON.stringify([requester, '10.0.0.7']);
  const def = protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS) as unknown as Record<string, Record<string, { requestSerialize(v: unknown): Buffer }>>;
  const encode = (request: unknown) => def['warden.authz.v1.Authorizer']!.Check!.requestSerialize(request);
  const bytes = encode(untilRequest(Date.now() + 600_000));
  for (let i = 0; i < 3; i++) {
    const result = await pool.check(connection, bytes);
    t.like(result, { kind: 'decided', allow: true, cached: false }, `call ${i}`);
    t.is(result.kind === 'decided' ? result.inputJson : 'not decided', undefined, `call ${i}`);
  }
  const read = encode({ action: 'read' });
  await pool.check(connection, read);
  t.like(await pool.check(connection, read), { kind: 'decided', allow: true, cached: true }, 'deterministic decisions are cached there too');

  // A built input (Envoy, tokens, batches): the result says it is volatile, so the serving
  // thread's engine does not store it.
  const engine = new Engine({ ttlMs: 60_000 });
  engine.swap(revision);
  const inputJson = JSON.stringify({ action: 'until', context: { until_ms: Date.now() + 600_000 } });
  const evaluated = await pool.evaluate(inputJson, DECISION, 'authz');
  t.like(evaluated, { kind: 'evaluated', cached: false, volatile: true });
  if (evaluated.kind !== 'evaluated') return;
  engine.store(inputJson, DECISION, 'authz', { decision: evaluated.decision, revision: evaluated.revision, cached: false, inputJson, volatile: true });
  t.is(engine.lookup(inputJson, DECISION, 'authz'), undefined, 'a volatile decision is not stored');
  const readJson = JSON.stringify({ action: 'read' });
  const plain = await pool.evaluate(readJson, DECISION, 'authz');
  t.false(plain.kind === 'evaluated' && plain.volatile === true, 'a deterministic decision is not volatile');
});
