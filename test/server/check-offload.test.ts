import test from 'ava';
import { buildRevision, Engine } from '../../src/engine/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { canonicalCopy } from '../../src/engine/index.js';
import { DEFAULT_LIMITS, LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { buildAuthzInput } from '../../src/server/authz-input.js';
import { CheckOffload } from '../../src/server/check-worker/check-offload.js';
import * as protoLoader from '@grpc/proto-loader';
import { testPlan } from './helpers/test-policy.js';

const DECISION = 'warden/authz/decision';
const REQUESTER = canonicalCopy({ id: 'spiffe://example.org/ns/shop/sa/frontend', trust_domain: 'example.org', namespace: 'shop', service_account: 'frontend', authenticated_by: 'mtls' as const });
const CONNECTION = JSON.stringify([REQUESTER, '10.0.0.7']);
const def = protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS) as unknown as Record<string, Record<string, { requestSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown }>>;
const encode = (request: unknown) => def['warden.authz.v1.Authorizer']!.Check!.requestSerialize(request);

async function started(t: { teardown(f: () => void): void }, ringBytes?: number) {
  const revision = await buildRevision({ wasm: await compilePlan(testPlan()), data: { grants: { [REQUESTER.id]: { read: true } } }, source: 'test' });
  const offload = new CheckOffload({ cache: {}, limits: DEFAULT_LIMITS, decision: DECISION, ringBytes });
  t.teardown(() => offload.stop());
  return { revision, offload };
}

async function submitWhenLoaded(offload: CheckOffload, revision: string, bytes: Buffer) {
  // A worker starting under tsx on a loaded machine can take many seconds.
  for (const until = Date.now() + 60_000; Date.now() < until; ) {
    const job = offload.submit(revision, CONNECTION, bytes);
    if (job) return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the worker never took the revision');
}

test('the worker decides as the serving thread would, once it serves the same revision', async (t) => {
  const { revision, offload } = await started(t);
  const request = { action: 'read', resource: { service: 'orders', path: '/o/1', attributes: { b: '2', a: '1' } } };
  t.is(offload.submit(revision.id, CONNECTION, encode(request)), undefined, 'no revision handed over yet');
  offload.serve(revision);
  const result = await submitWhenLoaded(offload, revision.id, encode(request));
  const engine = new Engine();
  engine.swap(revision);
  const input = buildAuthzInput(request, REQUESTER, REQUESTER, '10.0.0.7', DEFAULT_LIMITS.maxDepth);
  const here = engine.decide(input, DECISION, 'authz', { inputJson: JSON.stringify(input) });
  t.like(result, { kind: 'decided', revision: revision.id, allow: true, reasons: [], cached: false });
  if (result.kind !== 'decided') return;
  // The answer comes encoded: the response without its decision id, and the log line's tail.
  t.like(def['warden.authz.v1.Authorizer']!.Check!.responseDeserialize(result.answer.body), { allowed: true, policy_revision: revision.id });
  t.deepEqual(JSON.parse(`{${result.answer.logTail}0}`), { ...JSON.parse(here.inputJson), allowed: true, reasons: [], revision: revision.id, cached: false, latency: 0 });
  t.is(result.inputJson, undefined, 'a fresh decision: its input travels once, in the log tail');
  // Asked again, the worker answers from its cache, with the input the serving thread keeps for recall.
  t.like(await offload.submit(revision.id, CONNECTION, encode(request)), { kind: 'decided', cached: true, inputJson: here.inputJson });
  const denied = await offload.submit(revision.id, CONNECTION, encode({ action: 'delete' }));
  t.like(denied, { kind: 'decided', allow: false, reasons: ['not granted'] });
  const failed = await offload.submit(revision.id, CONNECTION, encode({ action: 'boom' }));
  t.like(failed, { kind: 'decided', allow: false, failure: 'error' });
  t.is(offload.submit('another-revision', CONNECTION, encode(request)), undefined, 'only the revision it serves');
});

test('bad requests are rejected with the service error, token subjects are handed back', async (t) => {
  const { revision, offload } = await started(t);
  offload.serve(revision);
  t.like(await submitWhenLoaded(offload, revision.id, encode({ resource: { service: 'x' } })), { kind: 'rejected', code: 'invalid_argument', message: 'action is required' });
  t.like(await offload.submit(revision.id, CONNECTION, Buffer.from([0xff, 0xff, 0xff])), { kind: 'rejected', code: 'invalid_argument' });
  t.like(await offload.submit(revision.id, CONNECTION, encode({ action: 'read', subject: { token: 'eyJ.x.y' } })), { kind: 'declined' });
});

test('a stopped worker declines everything, including what it still held', async (t) => {
  const { revision, offload } = await started(t);
  offload.serve(revision);
  const held = await submitWhenLoaded(offload, revision.id, encode({ action: 'read' }));
  t.is(held.kind, 'decided');
  const inFlight = offload.submit(revision.id, CONNECTION, encode({ action: 'read', resource: { path: '/later' } }));
  offload.stop();
  if (inFlight) t.true(['declined', 'decided'].includes((await inFlight).kind));
  t.is(offload.submit(revision.id, CONNECTION, encode({ action: 'read' })), undefined);
});

test('results that find the ring full wait their turn: every check is answered, none twice', async (t) => {
  const { revision, offload } = await started(t, 16 * 1024);
  offload.serve(revision);
  await submitWhenLoaded(offload, revision.id, encode({ action: 'read' }));
  const jobs: Array<Promise<unknown>> = [];
  for (let i = 0; i < 40; i++) {
    const request = { action: 'read', resource: { path: `/p/${i}` }, context: { fields: { pad: { stringValue: 'x'.repeat(600) } } } };
    const job = offload.submit(revision.id, CONNECTION, encode(request));
    if (job) jobs.push(job.then((r) => r as { kind: string; answer?: { logTail: string } }));
  }
  t.true(jobs.length > 3, 'some fit in the small job ring');
  const results = (await Promise.all(jobs)) as Array<{ kind: string; answer: { logTail: string } }>;
  t.true(results.every((r) => r.kind === 'decided'));
  t.is(new Set(results.map((r) => JSON.parse(`{${r.answer.logTail}0}`).resource.path)).size, results.length);
});
