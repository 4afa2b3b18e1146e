import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, DEFAULT_GRANTS, startFixture, unary, REQUESTER, type Fixture } from './helpers/fixture.js';

type CheckResponse = { allowed?: boolean; reasons?: string[]; decision_id?: string; policy_revision?: string; cached?: boolean };

let fx: Fixture;
test.before(async () => {
  // Decisions are cached by what the policy reads (the subject and the action): the cache tests use
  // actions of their own, so that their first check is new to the cache.
  fx = await startFixture({ grants: { ...DEFAULT_GRANTS, [REQUESTER]: { read: true, 'read.catalog': true, 'read.items': true, 'read.stock': true, 'read.big': true } } });
});
test.after.always(async () => {
  await fx?.close();
});

test.serial('an allowed check: subject defaults to the mTLS requester', async (t) => {
  const c = fx.clients();
  const res = await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { service: 'orders', path: '/orders/1' } });
  t.true(res.allowed);
  t.deepEqual(res.reasons ?? [], []);
  t.regex(res.decision_id!, /^[0-9a-f-]{36}$/);
  t.is(res.policy_revision, fx.server.engine.revision!.id);
  t.falsy(res.cached);
  c.close();
});

test.serial('a denied check carries the policy reasons', async (t) => {
  const c = fx.clients();
  const res = await unary<CheckResponse>(c.authz, 'Check', { action: 'delete', resource: { service: 'orders' } });
  t.false(res.allowed ?? false);
  t.deepEqual(res.reasons, ['not granted']);
  c.close();
});

test.serial('the second identical check is a cache hit; one that differs where the policy reads is not', async (t) => {
  const c = fx.clients();
  const req = { action: 'read.catalog', resource: { service: 'catalog', path: '/items', attributes: { a: '1', b: '2' } }, context: { fields: { x: { numberValue: 1 } } } };
  const first = await unary<CheckResponse>(c.authz, 'Check', req);
  const second = await unary<CheckResponse>(c.authz, 'Check', { ...req, resource: { ...req.resource, attributes: { b: '2', a: '1' } } });
  t.falsy(first.cached);
  t.true(second.cached);
  t.true(second.allowed);
  t.not(first.decision_id, second.decision_id);
  // The test policy reads the subject and the action, not the path.
  const third = await unary<CheckResponse>(c.authz, 'Check', { ...req, resource: { ...req.resource, path: '/other' } });
  t.true(third.cached);
  const fourth = await unary<CheckResponse>(c.authz, 'Check', { ...req, action: 'read.items' });
  t.falsy(fourth.cached);
  t.true(fourth.allowed);
  c.close();
});

test.serial('a repeated request is answered from the cache for its own requester only', async (t) => {
  const frontend = fx.clients();
  const req = { action: 'read.stock', resource: { service: 'stock', path: '/s/1' } };
  t.falsy((await unary<CheckResponse>(frontend.authz, 'Check', req)).cached);
  const again = await unary<CheckResponse>(frontend.authz, 'Check', req);
  t.true(again.cached);
  t.true(again.allowed);
  // The same bytes from another workload are its own input, decided for it (and not granted).
  const other = fx.clients('spiffe://example.org/ns/shop/sa/intruder');
  const theirs = await unary<CheckResponse>(other.authz, 'Check', req);
  t.falsy(theirs.cached);
  t.false(theirs.allowed ?? false);
  const lines = await fx.decisions(1, again.decision_id);
  const line = lines.find((l) => l.decision_id === again.decision_id)!;
  t.like(line, { cached: true, allowed: true, action: 'read.stock', resource: { service: 'stock', path: '/s/1', attributes: {} }, requester: { id: REQUESTER, authenticated_by: 'mtls' } });
  frontend.close();
  other.close();
});

test.serial('a large request is cached by its input', async (t) => {
  const c = fx.clients();
  const req = { action: 'read.big', resource: { service: 'big' }, context: { fields: { blob: { stringValue: 'x'.repeat(20_000) } } } };
  t.falsy((await unary<CheckResponse>(c.authz, 'Check', req)).cached);
  const again = await unary<CheckResponse>(c.authz, 'Check', req);
  t.true(again.cached);
  t.true(again.allowed);
  c.close();
});

test.serial('subject.spiffe_id is decided as the asserted identity', async (t) => {
  const c = fx.clients();
  const res = await unary<CheckResponse>(c.authz, 'Check', { action: 'write', subject: { spiffe_id: 'spiffe://example.org/ns/shop/sa/orders' } });
  t.true(res.allowed);
  const denied = await unary<CheckResponse>(c.authz, 'Check', { action: 'read', subject: { spiffe_id: 'spiffe://example.org/ns/shop/sa/orders' } });
  t.false(denied.allowed ?? false);
  c.close();
});

test.serial('evaluation errors, undefined decisions and wrong shapes deny with a reason and are not cached', async (t) => {
  const c = fx.clients();
  for (const [action, pattern] of [
    ['boom', /^policy evaluation failed: /],
    ['undefined', /^decision warden\/authz\/decision is undefined$/],
    ['badshape', /must be \{"allow": boolean, "reasons": \[string\]\}, got a string/],
  ] as const) {
    const a = await unary<CheckResponse>(c.authz, 'Check', { action });
    const b = await unary<CheckResponse>(c.authz, 'Check', { action });
    t.false(a.allowed ?? false, action);
    t.is(a.reasons?.length, 1);
    t.regex(a.reasons![0]!, pattern);
    t.falsy(b.cached, `${action} is not cached`);
  }
  c.close();
});

test.serial('CheckBatch answers in request order, each with its own decision id', async (t) => {
  const c = fx.clients();
  const res = await unary<{ results: CheckResponse[] }>(c.authz, 'CheckBatch', {
    checks: [{ action: 'read' }, { action: 'delete' }, { action: 'write', subject: { spiffe_id: 'spiffe://example.org/ns/shop/sa/orders' } }, { action: 'boom' }],
  });
  t.deepEqual(res.results.map((r) => r.allowed ?? false), [true, false, true, false]);
  t.is(new Set(res.results.map((r) => r.decision_id)).size, 4);
  t.regex(res.results[3]!.reasons![0]!, /policy evaluation failed/);
  c.close();
});

test.serial('malformed and oversized requests: INVALID_ARGUMENT / RESOURCE_EXHAUSTED, nothing evaluated', async (t) => {
  const c = fx.clients();
  const code = async (method: string, req: unknown) => (await t.throwsAsync<grpc.ServiceError>(unary(c.authz, method, req)))!.code;
  t.is(await code('Check', {}), grpc.status.INVALID_ARGUMENT);
  t.is(await code('Check', { action: 'x'.repeat(300) }), grpc.status.INVALID_ARGUMENT);
  t.is(await code('Check', { action: 'read', subject: { spiffe_id: 'not a spiffe id' } }), grpc.status.INVALID_ARGUMENT);
  t.is(await code('Check', { action: 'read', subject: { spiffe_id: 'spiffe://Example.org/x' } }), grpc.status.INVALID_ARGUMENT);
  t.is(await code('CheckBatch', { checks: [] }), grpc.status.INVALID_ARGUMENT);
  t.is(await code('CheckBatch', { checks: Array.from({ length: 101 }, () => ({ action: 'read' })) }), grpc.status.RESOURCE_EXHAUSTED);
  t.is(await code('Check', { action: 'read', resource: { path: 'p'.repeat(2 * 1024 * 1024) } }), grpc.status.RESOURCE_EXHAUSTED);
  let deep: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 0; i < 40; i++) deep = { structValue: { fields: { k: deep } } };
  t.is(await code('Check', { action: 'read', context: { fields: { d: deep } } }), grpc.status.INVALID_ARGUMENT);
  c.close();
});

test.serial('bytes that are not a protobuf message get INVALID_ARGUMENT and the server lives on', async (t) => {
  const client = new grpc.Client(fx.server.address, fx.credentials(REQUESTER), CHANNEL_OPTIONS);
  const err = await new Promise<grpc.ServiceError>((resolve) => {
    client.makeUnaryRequest('/warden.authz.v1.Authorizer/Check', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), (e) => resolve(e!));
  });
  t.is(err.code, grpc.status.INVALID_ARGUMENT);
  // Envoy's API answers even garbage with a denying CheckResponse (a gRPC error would let failure_mode_allow through).
  const garbage = await new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest('/envoy.service.auth.v3.Authorization/Check', (b: Buffer) => b, (b: Buffer) => b, Buffer.from('this is not protobuf at all'), (e, v) => (e ? reject(e) : resolve(v!)));
  });
  t.true(garbage.includes('access denied (decision '));
  client.close();
  const c = fx.clients();
  t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read' })).allowed);
  c.close();
});

test.serial('an expired deadline fails with DEADLINE_EXCEEDED', async (t) => {
  const c = fx.clients();
  const err = await t.throwsAsync<grpc.ServiceError>(unary(c.authz, 'Check', { action: 'read' }, { deadline: Date.now() - 1 }));
  t.is(err!.code, grpc.status.DEADLINE_EXCEEDED);
  c.close();
});
