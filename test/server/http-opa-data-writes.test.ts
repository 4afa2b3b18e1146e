/**
 * OPA's Data API writes over mTLS against a real server (`startServer` with `http`, as `warden serve
 * --http` runs it), with plain HTTPS: OPA's TypeScript SDK (`@styra/opa`) has no data writes.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFixture, unary, type Clients, type Fixture } from './helpers/fixture.js';
import { fetchReply, regoCompiler, type Reply } from './helpers/forward-auth.js';
import type { ClientTls } from './helpers/opa-sdk.js';

const ADMIN = 'spiffe://example.org/ns/ops/sa/admin';
const CALLER = 'spiffe://example.org/ns/shop/sa/frontend';
const OTHER = 'spiffe://example.org/ns/shop/sa/orders';

const AUTHZ = `package warden.authz

default decision := {"allow": false, "reasons": ["not granted"]}

decision := {"allow": true, "reasons": []} if data.grants[input.subject.id][input.action] == true
`;

const SHOP = `package shop

roles := data.roles

grant := data.grants[input.who]
`;

type CheckResponse = { allowed?: boolean; reasons?: string[]; policy_revision?: string; cached?: boolean };

let fx: Fixture;
let admin: ClientTls;
let caller: ClientTls;
let grpc: Clients;

test.before(async () => {
  fx = await startFixture({
    policyFiles: { 'authz.rego': AUTHZ, 'shop.rego': SHOP },
    config: { compiler: regoCompiler, http: '127.0.0.1:0', opaApi: { entrypoints: ['shop/roles', 'shop/grant'], admins: [ADMIN] } },
  });
  const issue = (id: string): ClientTls => {
    const leaf = fx.ca.issue({ cn: 'client', uris: [id] });
    return { cert: leaf.cert, key: leaf.key, ca: fx.ca.cert };
  };
  admin = issue(ADMIN);
  caller = issue(CALLER);
  grpc = fx.clients(CALLER);
  // The policy directory's data: mounted at data.grants and data.roles.
  await write('PUT', '/v1/data/grants', { [CALLER]: { read: true } });
  await write('PUT', '/v1/data/roles', { list: ['a', 'b'], owner: 'x' });
});
test.after.always(async () => {
  grpc?.close();
  await fx?.close();
});

function write(method: string, path: string, body?: unknown, options: { tls?: ClientTls; headers?: Record<string, string> } = {}): Promise<Reply> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return fetchReply(`https://${fx.server.httpAddress}${path}`, { method, tls: options.tls ?? admin, body: text, headers: { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers } });
}

async function query(document: string, input: unknown = {}): Promise<unknown> {
  const reply = await fetchReply(`https://${fx.server.httpAddress}/v1/data/${document}`, { method: 'POST', tls: caller, body: JSON.stringify({ input }), headers: { 'content-type': 'application/json' } });
  return (JSON.parse(reply.body) as { result?: unknown }).result;
}

const check = (action: string) => unary<CheckResponse>(grpc.authz, 'Check', { action, resource: { service: 'shop', path: '/' } });
const grantKey = (id: string) => `/v1/data/grants/${encodeURIComponent(id)}`;

test.serial('PUT creates a document (missing parents too) and a query sees it; If-None-Match: * leaves an existing one alone (304)', async (t) => {
  const put = await write('PUT', grantKey(OTHER), { write: true });
  t.is(put.status, 204, put.body);
  t.deepEqual(await query('shop/grant', { who: OTHER }), { write: true });
  t.is((await write('PUT', '/v1/data/roles/nested/deep', 1)).status, 204);
  t.deepEqual(((await query('shop/roles')) as Record<string, unknown>).nested, { deep: 1 });
  const again = await write('PUT', grantKey(OTHER), { write: false }, { headers: { 'if-none-match': '*' } });
  t.is(again.status, 304);
  t.deepEqual(await query('shop/grant', { who: OTHER }), { write: true });
  t.is((await write('DELETE', '/v1/data/roles/nested')).status, 204);
});

test.serial('PATCH applies add, replace, remove, move, copy and test; a failing test applies nothing (409)', async (t) => {
  const patch = [
    { op: 'test', path: '/owner', value: 'x' },
    { op: 'add', path: '/list/-', value: 'c' },
    { op: 'replace', path: '/list/0', value: 'z' },
    { op: 'remove', path: '/list/1' },
    { op: 'copy', from: '/owner', path: '/deputy' },
    { op: 'move', from: '/owner', path: '/chief' },
  ];
  const reply = await write('PATCH', '/v1/data/roles', patch);
  t.is(reply.status, 204, reply.body);
  const after = { list: ['z', 'c'], deputy: 'x', chief: 'x' };
  t.deepEqual(await query('shop/roles'), after);
  const failing = await write('PATCH', '/v1/data/roles', [
    { op: 'add', path: '/extra', value: 1 },
    { op: 'test', path: '/chief', value: 'nobody' },
  ]);
  t.is(failing.status, 409);
  t.like(JSON.parse(failing.body), { code: 'resource_conflict' });
  t.regex(JSON.parse(failing.body).message, /patch\[1\] \(test\)/);
  t.deepEqual(await query('shop/roles'), after, 'nothing of the failed patch was applied');
  const bad = await write('PATCH', '/v1/data/roles', { op: 'add' });
  t.is(bad.status, 400);
  t.like(JSON.parse(bad.body), { code: 'invalid_parameter' });
  const missing = await write('PATCH', '/v1/data/roles', [{ op: 'remove', path: '/nobody' }]);
  t.is(missing.status, 404);
  t.like(JSON.parse(missing.body), { code: 'resource_not_found' });
});

test.serial('written numbers keep their digits: a PUT, a PATCH test that tells two ids apart, and the answer', async (t) => {
  t.is((await write('PUT', '/v1/data/roles/ids', '[12345678901234567891]')).status, 204);
  const near = await write('PATCH', '/v1/data/roles/ids', '[{"op": "test", "path": "/0", "value": 12345678901234567890}]');
  t.is(near.status, 409, 'a double would make the two ids one');
  const added = await write('PATCH', '/v1/data/roles/ids', '[{"op": "test", "path": "/0", "value": 12345678901234567891}, {"op": "add", "path": "/-", "value": 98765432109876543210}]');
  t.is(added.status, 204, added.body);
  const reply = await fetchReply(`https://${fx.server.httpAddress}/v1/data/shop/roles`, { method: 'POST', tls: caller, body: '{"input": {}}', headers: { 'content-type': 'application/json' } });
  t.regex(reply.body, /"ids":\[12345678901234567891,98765432109876543210\]/);
  t.is((await write('DELETE', '/v1/data/roles/ids')).status, 204);
});

test.serial('DELETE removes a document; a missing one is 404 resource_not_found', async (t) => {
  t.is((await write('PUT', '/v1/data/roles/temp', true)).status, 204);
  t.is((await write('DELETE', '/v1/data/roles/temp')).status, 204);
  t.false('temp' in ((await query('shop/roles')) as object));
  const again = await write('DELETE', '/v1/data/roles/temp');
  t.is(again.status, 404);
  t.like(JSON.parse(again.body), { code: 'resource_not_found' });
});

test.serial('a caller not in opaApi.admins is refused 403 with a reason, and the refusal is logged (who, path)', async (t) => {
  const reply = await write('PUT', grantKey(CALLER), { read: true, admin: true }, { tls: caller });
  t.is(reply.status, 403);
  t.like(JSON.parse(reply.body), { code: 'unauthorized' });
  t.regex(JSON.parse(reply.body).message, /not listed in opaApi\.admins/);
  t.deepEqual(await query('shop/grant', { who: CALLER }), { read: true });
  t.true(fx.opsLog.some((l) => l.who === CALLER && l.method === 'PUT' && /refused/.test(String(l.msg))));
});

test.serial('writes are logged with who, method and path, never the value', async (t) => {
  t.is((await write('PUT', '/v1/data/roles/secretish', { token: 'do-not-log-me' })).status, 204);
  const line = fx.opsLog.find((l) => l.msg === 'data written' && l.path === '/roles/secretish');
  t.like(line, { who: ADMIN, method: 'PUT' });
  t.false(fx.opsLog.some((l) => JSON.stringify(l).includes('do-not-log-me')));
});

test.serial('the decision cache never serves a decision of the old data: allowed before a write that removes the grant, denied after, and back', async (t) => {
  t.truthy(fx.server.evaluation, 'checks are evaluated by the worker pool');
  const first = await check('read');
  t.true(first.allowed);
  const cached = await check('read');
  t.true(cached.allowed);
  t.true(cached.cached, 'the second check was answered from the cache');
  t.is((await write('PATCH', grantKey(CALLER), [{ op: 'remove', path: '/read' }])).status, 204);
  const after = await check('read');
  t.false(after.allowed, 'the cached allow is not served after the grant was removed');
  t.not(after.policy_revision, first.policy_revision, 'the write is a new revision');
  t.is((await write('PUT', `${grantKey(CALLER)}/read`, true)).status, 204);
  t.true((await check('read')).allowed, 'and the reverse: a cached deny is not served after the grant is back');
  t.false((await check('delete')).allowed);
  t.is((await write('PUT', `${grantKey(CALLER)}/delete`, true)).status, 204);
  t.true((await check('delete')).allowed);
});

test.serial('written data is made again after the policy directory reloads', async (t) => {
  t.is((await write('PUT', '/v1/data/roles/kept', 42)).status, 204);
  writeFileSync(join(fx.policies, 'shop.rego'), `${SHOP}\n# changed\n`);
  const reload = await fx.server.reload();
  t.true(reload.ok && reload.changed);
  t.is(((await query('shop/roles')) as Record<string, unknown>).kept, 42);
  t.true((await check('read')).allowed);
});

test.serial('without a client certificate (plaintext development mode) a write is 401 and nothing is written', async (t) => {
  const plain = await startFixture({
    policyFiles: { 'authz.rego': AUTHZ, 'shop.rego': SHOP },
    config: { compiler: regoCompiler, http: '127.0.0.1:0', httpPlaintext: true, opaApi: { entrypoints: ['shop/roles'], admins: [ADMIN] } },
  });
  t.teardown(() => plain.close());
  const reply = await fetchReply(`http://${plain.server.httpAddress}/v1/data/roles`, { method: 'PUT', body: '{"a": 1}', headers: { 'content-type': 'application/json' } });
  t.is(reply.status, 401);
  t.like(JSON.parse(reply.body), { code: 'unauthorized' });
  const roles = await fetchReply(`http://${plain.server.httpAddress}/v1/data/shop/roles`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  t.false('result' in JSON.parse(roles.body), 'data.roles is still undefined');
});
