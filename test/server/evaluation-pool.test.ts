import test from 'ava';
import * as protoLoader from '@grpc/proto-loader';
import { buildRevision, canonicalCopy, Engine } from '../../src/engine/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { DEFAULT_LIMITS, LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { buildAuthzInput } from '../../src/server/authz-input.js';
import { EvaluationPool, type PoolResult } from '../../src/server/check-worker/evaluation-pool.js';
import { slowPlan } from './helpers/slow-policy.js';

const DECISION = 'warden/authz/decision';
const REQUESTER = canonicalCopy({ id: 'spiffe://example.org/ns/shop/sa/frontend', trust_domain: 'example.org', namespace: 'shop', service_account: 'frontend', authenticated_by: 'mtls' as const });
const CONNECTION = JSON.stringify([REQUESTER, '10.0.0.7']);
const def = protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS) as unknown as Record<string, Record<string, { requestSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown }>>;
const encode = (request: unknown) => def['warden.authz.v1.Authorizer']!.Check!.requestSerialize(request);
const inputJson = (request: Parameters<typeof buildAuthzInput>[0]) => JSON.stringify(buildAuthzInput(request, REQUESTER, REQUESTER, '10.0.0.7', DEFAULT_LIMITS.maxDepth));
const revisionP = compilePlan(slowPlan()).then((wasm) => buildRevision({ wasm, data: { grants: { [REQUESTER.id]: { read: true } } }, source: 'test' }));

interface Started {
  pool: EvaluationPool;
  revision: Awaited<typeof revisionP>;
  problems: string[];
}

async function started(t: { teardown(f: () => void): void }, options: { ringBytes?: number; budgetMs?: number; workers?: number; spares?: number; serve?: boolean } = {}): Promise<Started> {
  const revision = await revisionP;
  const problems: string[] = [];
  const pool = new EvaluationPool({ cache: {}, limits: DEFAULT_LIMITS, decision: DECISION, budgetMs: options.budgetMs ?? 100, workers: options.workers, spares: options.spares, ringBytes: options.ringBytes, onProblem: (m) => problems.push(m) });
  t.teardown(() => pool.stop());
  if (options.serve !== false) {
    pool.serve(revision);
    // A worker starting under tsx on a loaded machine can take many seconds.
    if (!(await pool.whenReady(60_000, { workers: options.workers ?? 2, spares: options.spares ?? 1 }))) throw new Error('the workers never took the revision');
  }
  return { pool, revision, problems };
}

/** Resolves with the result and how long it took, in ms. */
async function timed(job: Promise<PoolResult>): Promise<{ result: PoolResult; ms: number }> {
  const t0 = performance.now();
  const result = await job;
  return { result, ms: performance.now() - t0 };
}

test.serial('a worker decides as the serving thread would, from bytes and from a built input', async (t) => {
  const { pool, revision } = await started(t);
  const request = { action: 'read', resource: { service: 'orders', path: '/o/1', attributes: { b: '2', a: '1' } } };
  const result = await pool.check(CONNECTION, encode(request));
  const engine = new Engine();
  engine.swap(revision);
  const here = engine.decide(undefined, DECISION, 'authz', { inputJson: inputJson(request) });
  t.like(result, { kind: 'decided', revision: revision.id, allow: true, reasons: [], cached: false });
  if (result.kind !== 'decided') return;
  // The answer comes encoded: the response without its decision id, and the log line's tail.
  t.like(def['warden.authz.v1.Authorizer']!.Check!.responseDeserialize(result.answer.body), { allowed: true, policy_revision: revision.id });
  t.deepEqual(JSON.parse(`{${result.answer.logTail}0}`), { ...JSON.parse(here.inputJson), allowed: true, reasons: [], revision: revision.id, cached: false, latency: 0 });
  t.is(result.inputJson, undefined, 'a fresh decision: its input travels once, in the log tail');
  t.like(await pool.check(CONNECTION, encode({ action: 'delete' })), { kind: 'decided', allow: false, reasons: ['not granted'] });
  t.like(await pool.check(CONNECTION, encode({ action: 'boom' })), { kind: 'decided', allow: false, failure: 'error' });
  // Built inputs: the Authorizer's entrypoint and the Envoy one, with its OPA-Envoy details.
  t.like(await pool.evaluate(inputJson({ action: 'read' }), DECISION, 'authz'), { kind: 'evaluated', revision: revision.id, decision: { allow: true, reasons: [] } });
  const envoy = JSON.stringify({ parsed_path: ['private'], http: { method: 'GET' }, parsed_query: {} });
  t.like(await pool.evaluate(envoy, 'warden/envoy/decision', 'envoy'), { kind: 'evaluated', decision: { allow: false, envoy: { http_status: 401, body: 'nope' } } });
});

test.serial('bad requests are rejected with the service error, token subjects are handed back', async (t) => {
  const { pool } = await started(t);
  t.like(await pool.check(CONNECTION, encode({ resource: { service: 'x' } })), { kind: 'rejected', code: 'invalid_argument', message: 'action is required' });
  t.like(await pool.check(CONNECTION, Buffer.from([0xff, 0xff, 0xff])), { kind: 'rejected', code: 'invalid_argument' });
  t.like(await pool.check(CONNECTION, encode({ action: 'read', subject: { token: 'eyJ.x.y' } })), { kind: 'declined' });
});

test.serial('a job that waits for a worker longer than the budget is denied, not left hanging', async (t) => {
  const { pool } = await started(t, { budgetMs: 50, workers: 1, spares: 0 });
  // The one worker is busy with a long job: the next ones wait on the serving thread, within the budget.
  const long = pool.check(CONNECTION, encode({ action: 'sleep' }));
  const waiting = Array.from({ length: 300 }, (_, i) => pool.check(CONNECTION, encode({ action: 'read', resource: { path: `/q/${i}` } })));
  const { result, ms } = await timed(waiting[299]!);
  t.log(`the last one denied after ${ms.toFixed(1)} ms`);
  t.like(result, { kind: 'denied', reason: 'evaluation budget exceeded' });
  t.true(ms >= 45 && ms < 2_000, `${ms} ms`);
  t.like(await long, { kind: 'denied', reason: 'evaluation budget exceeded' });
  await Promise.all(waiting);
});

test.serial('before any worker serves a revision, a job waits for one and is then decided', async (t) => {
  const { pool, revision } = await started(t, { budgetMs: 1_000, serve: false });
  const job = pool.evaluate(inputJson({ action: 'read' }), DECISION, 'authz');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  pool.serve(revision);
  t.like(await job, { kind: 'evaluated', decision: { allow: true } });
});

test.serial('a runaway evaluation is denied at its budget, its worker replaced; the jobs behind it are decided elsewhere', async (t) => {
  const { pool, problems } = await started(t, { budgetMs: 100, workers: 1 });
  // One worker: the cheap jobs wait behind the runaway in its ring.
  const spin = timed(pool.check(CONNECTION, encode({ action: 'spin' })));
  const behind = [pool.check(CONNECTION, encode({ action: 'read', resource: { path: '/a' } })), pool.evaluate(inputJson({ action: 'delete' }), DECISION, 'authz')];
  const { result, ms } = await spin;
  t.log(`runaway denied after ${ms.toFixed(1)} ms`);
  t.like(result, { kind: 'denied', reason: 'evaluation budget exceeded' });
  t.true(ms >= 95 && ms < 2_000, `${ms} ms`);
  t.true(problems.some((p) => p.includes('ran past its 100 ms budget')));
  // Waiting for the new worker (tsx is slow to start) can take longer than the budget: either they are
  // decided, or denied for waiting; never lost, never hanging.
  for (const r of await Promise.all(behind)) t.true(r.kind === 'decided' || r.kind === 'evaluated' || (r.kind === 'denied' && r.reason === 'evaluation budget exceeded'), JSON.stringify(r));
  // The spare that replaces a stopped worker is loaded too: loading one (tsx compiling on a busy machine)
  // would otherwise starve the next evaluation of CPU past its 100 ms budget.
  t.true(await pool.whenReady(60_000, { workers: 1, spares: 1 }));
  t.like(await pool.check(CONNECTION, encode({ action: 'read', resource: { path: '/after' } })), { kind: 'decided', allow: true });
  t.like(await pool.check(CONNECTION, encode({ action: 'sleep' })), { kind: 'denied', reason: 'evaluation budget exceeded' }, 'a host builtin blocking its thread too');
  t.true(await pool.whenReady(60_000, { workers: 1, spares: 1 }));
  // The pool serves again; on a loaded 2-core CI machine one 100 ms budget may still be missed
  // while the last replacement settles, so a few tries (each a real evaluation) are allowed.
  let after = await pool.evaluate(inputJson({ action: 'read' }), DECISION, 'authz');
  for (let i = 0; i < 4 && after.kind === 'denied'; i++) {
    await pool.whenReady(60_000, { workers: 1, spares: 1 });
    after = await pool.evaluate(inputJson({ action: 'read' }), DECISION, 'authz');
  }
  t.like(after, { kind: 'evaluated', decision: { allow: true } });
});

test.serial('while one evaluation runs away, other jobs go to the other worker and are answered quickly', async (t) => {
  const { pool } = await started(t, { budgetMs: 3_000, workers: 2 });
  // Warm both workers.
  for (let i = 0; i < 20; i++) await Promise.all([pool.check(CONNECTION, encode({ action: 'read', resource: { path: `/w/${i}` } })), pool.evaluate(inputJson({ action: 'read' }), DECISION, 'authz')]);
  const spin = timed(pool.check(CONNECTION, encode({ action: 'spin' })));
  let runawayAnswered = false;
  void spin.then(() => (runawayAnswered = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const { result, ms } = await timed(pool.check(CONNECTION, encode({ action: 'read', resource: { path: `/p/${i}` } })));
    t.like(result, { kind: 'decided', allow: true });
    latencies.push(ms);
  }
  t.false(runawayAnswered, 'all measured while the runaway ran');
  latencies.sort((a, b) => a - b);
  t.log(`cheap checks during a runaway: median ${latencies[10]!.toFixed(1)} ms, max ${latencies[19]!.toFixed(1)} ms`);
  // Behind the runaway they would wait out its whole budget (3 s). How fast they are is for
  // bench/, not here: a loaded CI box shares its other core with other test files.
  t.true(latencies[19]! < 1_500, `max ${latencies[19]} ms: not held behind the runaway`);
  t.like((await spin).result, { kind: 'denied', reason: 'evaluation budget exceeded' });
});

test.serial('jobs handed to a worker that turns out stuck move to a free one', async (t) => {
  const { pool } = await started(t, { budgetMs: 5_000, workers: 2, spares: 0 });
  // Handed out together: the long one and some of the quick ones share a worker before it looks stuck.
  const long = pool.check(CONNECTION, encode({ action: 'sleep' }));
  const quick = Array.from({ length: 6 }, (_, i) => timed(pool.check(CONNECTION, encode({ action: 'read', resource: { path: `/m/${i}` } }))));
  const done = await Promise.all(quick);
  t.log(`quick ones answered within ${Math.max(...done.map((d) => d.ms)).toFixed(1)} ms`);
  for (const { result, ms } of done) {
    t.like(result, { kind: 'decided', allow: true });
    t.true(ms < 1_000, `${ms} ms: not held for the long one's 5 s budget`);
  }
  pool.stop();
  t.like(await long, { kind: 'denied', reason: 'server is shutting down' });
});

test.serial('stop: jobs still pending are denied, never handed back to be decided again', async (t) => {
  const { pool } = await started(t, { budgetMs: 5_000 });
  t.like(await pool.check(CONNECTION, encode({ action: 'read' })), { kind: 'decided' });
  const sleeping = pool.check(CONNECTION, encode({ action: 'sleep' }));
  const quick = pool.check(CONNECTION, encode({ action: 'read', resource: { path: '/quick' } }));
  // Long enough for the quick one on a loaded machine; the sleeping one (30 s) is still running after it.
  await pool.drain(3_000);
  t.like(await sleeping, { kind: 'denied', reason: 'server is shutting down' });
  t.like(await quick, { kind: 'decided', allow: true }, 'drain let the quick one finish');
  t.like(await pool.check(CONNECTION, encode({ action: 'read' })), { kind: 'denied', reason: 'server is shutting down' });
});

test.serial('results that find the ring full wait their turn: every check is answered, none twice', async (t) => {
  const { pool } = await started(t, { ringBytes: 16 * 1024, workers: 1, budgetMs: 10_000 });
  const jobs: Array<Promise<PoolResult>> = [];
  for (let i = 0; i < 40; i++) {
    const request = { action: 'read', resource: { path: `/p/${i}` }, context: { fields: { pad: { stringValue: 'x'.repeat(600) } } } };
    jobs.push(pool.check(CONNECTION, encode(request)));
  }
  const results = (await Promise.all(jobs)) as Array<{ kind: string; answer: { logTail: string } }>;
  t.true(results.every((r) => r.kind === 'decided'));
  t.is(new Set(results.map((r) => JSON.parse(`{${r.answer.logTail}0}`).resource.path)).size, results.length);
});
