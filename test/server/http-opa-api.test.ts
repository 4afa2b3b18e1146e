import test from 'ava';
import type { OPAClient } from '@styra/opa';
import { readFileSync } from 'node:fs';
import { startFixture, type Fixture } from './helpers/fixture.js';
import { fetchReply, regoCompiler, type Reply } from './helpers/forward-auth.js';
import { opaClient, type ClientTls } from './helpers/opa-sdk.js';

const CALLER = 'spiffe://example.org/ns/shop/sa/frontend';

const AUTHZ = `package warden.authz

default decision := {"allow": false, "reasons": ["not granted"]}

decision := {"allow": true, "reasons": []} if input.subject.id == "${CALLER}"
`;

const SHOP = `package shop

default allow := false

allow if input.user == "alice"

caller := input.requester.id

greeting := sprintf("hello %s", [input.user])

maybe := 1 if input.never == true

boom := x if {
  x := 1 / input.zero
}
`;

const SYSTEM = `package system

main := {"allowed": input.user == "alice"}
`;

const OPA_ENTRYPOINTS = ['shop/allow', 'shop/caller', 'shop/greeting', 'shop/maybe', 'shop/boom', 'system/main'];

let fx: Fixture;
let tls: ClientTls;
let sdk: OPAClient;

test.before(async () => {
  fx = await startFixture({
    policyFiles: { 'authz.rego': AUTHZ, 'shop.rego': SHOP, 'system.rego': SYSTEM },
    config: { compiler: regoCompiler, http: '127.0.0.1:0', opaApi: { entrypoints: OPA_ENTRYPOINTS }, limits: { maxBodyBytes: 4096 } as never },
  });
  const leaf = fx.ca.issue({ cn: 'frontend', uris: [CALLER] });
  tls = { cert: leaf.cert, key: leaf.key, ca: fx.ca.cert };
  sdk = opaClient(fx.server.httpAddress!, tls);
});
test.after.always(async () => {
  await fx?.close();
});

function call(path: string, options: { method?: string; body?: string } = {}): Promise<Reply> {
  return fetchReply(`https://${fx.server.httpAddress}${path}`, { method: options.method ?? 'POST', tls, body: options.body, headers: options.body !== undefined ? { 'content-type': 'application/json' } : {} });
}

const post = (path: string, body: unknown) => call(path, { body: JSON.stringify(body) });
const json = (reply: Reply) => JSON.parse(reply.body) as Record<string, any>;

async function logLine(decisionId: string): Promise<Record<string, any>> {
  return (await fx.decisions(1, decisionId)).find((l) => l.decision_id === decisionId)!;
}

test('SDK over mTLS: evaluate answers a document for an input, and the policy sees the caller as input.requester', async (t) => {
  t.true(await sdk.evaluate<{ user: string }, boolean>('shop/allow', { user: 'alice' }));
  t.false(await sdk.evaluate<{ user: string }, boolean>('shop/allow', { user: 'mallory' }));
  t.is(await sdk.evaluate('shop/greeting', { user: 'bob' }), 'hello bob');
  t.is(await sdk.evaluate('shop/caller', { requester: { id: 'spiffe://example.org/ns/x/sa/admin' } }), CALLER, 'an input cannot speak for another requester');
});

test('SDK: evaluateDefault answers data.system.main when it is compiled (POST /, the body is the input)', async (t) => {
  t.deepEqual(await sdk.evaluateDefault({ user: 'alice' }), { allowed: true });
  t.deepEqual(await sdk.evaluateDefault({ user: 'bob' }), { allowed: false });
});

test('SDK: evaluateBatch falls back to single calls (no batch API here); rejectMixed rejects on an error, otherwise the error is in its slot', async (t) => {
  const results = await sdk.evaluateBatch('shop/allow', { a: { user: 'alice' }, b: { user: 'bob' } }, { fallback: true });
  t.deepEqual(results, { a: true, b: false });
  const mixed = await sdk.evaluateBatch('shop/boom', { ok: { zero: 1 }, bad: { zero: 0 } }, { fallback: true });
  t.is(mixed.ok, 1);
  t.like(mixed.bad as object, { code: 'internal_error', httpStatusCode: '500' });
  await t.throwsAsync(sdk.evaluateBatch('shop/boom', { ok: { zero: 1 }, bad: { zero: 0 } }, { fallback: true, rejectMixed: true }));
});

test('an undefined document is 200 without "result", with a decision id; the SDK answers undefined', async (t) => {
  const reply = await post('/v1/data/shop/maybe', { input: { never: false } });
  t.is(reply.status, 200);
  const body = json(reply);
  t.false('result' in body);
  t.regex(body.decision_id, /^[0-9a-f-]{36}$/);
  t.is(await sdk.evaluate('shop/maybe', { never: false }), undefined);
  t.is(await sdk.evaluate('shop/maybe', { never: true }), 1);
});

test('a body without input evaluates with no input but the requester; GET with ?input= as OPA takes it', async (t) => {
  t.deepEqual(json(await post('/v1/data/shop/caller', {})).result, CALLER);
  t.deepEqual(json(await call('/v1/data/shop/caller', { method: 'POST' })).result, CALLER, 'an empty body');
  const get = await call(`/v1/data/shop/greeting?input=${encodeURIComponent('{"user":"carol"}')}`, { method: 'GET' });
  t.is(get.status, 200);
  t.is(json(get).result, 'hello carol');
  const bad = await call('/v1/data/shop/greeting?input=%7Bnope', { method: 'GET' });
  t.is(bad.status, 400);
  t.like(json(bad), { code: 'invalid_parameter' });
});

test('malformed bodies are 400 invalid_parameter saying what is wrong, never a result', async (t) => {
  for (const body of ['{"input": ', '[1, 2]', '"input"']) {
    const reply = await call('/v1/data/shop/allow', { body });
    t.is(reply.status, 400, body);
    const answer = json(reply);
    t.is(answer.code, 'invalid_parameter');
    t.regex(answer.message, /request body/);
    t.false('result' in answer);
  }
  const deep = await post('/v1/data/shop/allow', { input: JSON.parse('['.repeat(40) + ']'.repeat(40)) });
  t.is(deep.status, 400);
  t.regex(json(deep).message, /nests deeper than 32/);
});

test('a document that is not compiled is 404 undefined_document naming opaApi.entrypoints; so is the root of data', async (t) => {
  const reply = await post('/v1/data/shop/secret', { input: {} });
  t.is(reply.status, 404);
  t.deepEqual(json(reply), { code: 'undefined_document', message: 'data.shop.secret is not compiled: add "shop/secret" to opaApi.entrypoints in the config to evaluate it here' });
  const root = await post('/v1/data', { input: {} });
  t.is(root.status, 404);
  t.is(json(root).code, 'undefined_document');
  t.regex(json(root).message, /opaApi\.entrypoints/);
});

test('a body over maxBodyBytes is 413 in OPA shape', async (t) => {
  const reply = await post('/v1/data/shop/allow', { input: { user: 'x'.repeat(5000) } });
  t.is(reply.status, 413);
  t.like(json(reply), { code: 'invalid_parameter', message: 'the request body is larger than 4096 bytes' });
});

test('fail closed: an evaluation error is 500 internal_error with the reason, never a result; logged as an error', async (t) => {
  const reply = await post('/v1/data/shop/boom', { input: { zero: 0 } });
  t.is(reply.status, 500);
  const body = json(reply);
  t.is(body.code, 'internal_error');
  t.regex(body.message, /policy evaluation failed/);
  t.false('result' in body);
  const line = await logLine(body.decision_id);
  t.false(line.allowed);
  t.is(line.api, 'opa');
});

test('?pretty indents; ?provenance gives the version and the policy revision; ?metrics gives timers; unknown parameters are ignored', async (t) => {
  const pretty = await post('/v1/data/shop/allow?pretty=true&explain=full', { input: { user: 'alice' } });
  t.true(pretty.body.includes('\n  "result": true'));
  const answer = json(await post('/v1/data/shop/allow?provenance&metrics', { input: { user: 'alice' } }));
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  t.deepEqual(answer.provenance, { version, revision: fx.server.engine.revision!.id });
  t.true(Number.isInteger(answer.metrics.timer_server_handler_ns) && answer.metrics.timer_server_handler_ns > 0);
  t.true(Number.isInteger(answer.metrics.timer_rego_input_parse_ns) && answer.metrics.timer_rego_input_parse_ns > 0);
  t.false('provenance' in json(await post('/v1/data/shop/allow', { input: { user: 'alice' } })));
});

test('a repeated input is answered from the decision cache: the metrics and the log say so', async (t) => {
  const input = { user: `cache-${Date.now()}` };
  const first = json(await post('/v1/data/shop/greeting?metrics', { input }));
  const second = json(await post('/v1/data/shop/greeting?metrics', { input }));
  t.is(first.metrics.counter_server_query_cache_hit, 0);
  t.is(second.metrics.counter_server_query_cache_hit, 1);
  t.is(second.result, first.result);
  t.false((await logLine(first.decision_id)).cached);
  t.true((await logLine(second.decision_id)).cached);
});

// Serial: no other test's decisions are counted meanwhile.
test.serial('decisions are logged as api "opa" with path, input and result (secrets redacted) and counted; health and policies are not', async (t) => {
  const before = await (await fetch(fx.server.metricsUrl!)).text();
  const count = (text: string) => Number(/warden_decisions_total\{api="opa",result="allow"\} (\d+)/.exec(text)?.[1] ?? 0);
  const reply = json(await post('/v1/data/shop/allow', { input: { user: 'alice', password: 'hunter2-s3cret' } }));
  await call('/health', { method: 'GET' });
  await call('/v1/policies', { method: 'GET' });
  const line = await logLine(reply.decision_id);
  t.like(line, { api: 'opa', path: 'shop/allow', result: true, allowed: true, subject: null });
  t.like(line.requester, { id: CALLER, authenticated_by: 'mtls' });
  t.is(line.input.user, 'alice');
  t.false(JSON.stringify(line).includes('hunter2-s3cret'));
  const after = await (await fetch(fx.server.metricsUrl!)).text();
  t.is(count(after) - count(before), 1);
  t.is(Number(/warden_decisions_total\{api="opa",result="(?:deny|error)"\} (\d+)/.exec(after)?.[1] ?? 0), Number(/warden_decisions_total\{api="opa",result="(?:deny|error)"\} (\d+)/.exec(before)?.[1] ?? 0));
});

test('GET /health is 200 {} with a revision loaded (?bundles and ?plugins too); GET /v1/policies lists the modules with their source', async (t) => {
  for (const path of ['/health', '/health?bundles', '/health?plugins&bundles']) {
    const reply = await call(path, { method: 'GET' });
    t.is(reply.status, 200, path);
    t.deepEqual(json(reply), {});
  }
  const policies = json(await call('/v1/policies', { method: 'GET' })).result as Array<{ id: string; raw: string }>;
  t.deepEqual(policies.map((p) => p.id.split('/').at(-1)).sort(), ['authz.rego', 'shop.rego', 'system.rego']);
  t.is(policies.find((p) => p.id.endsWith('shop.rego'))!.raw, SHOP);
  // One policy by its id (a path, slashes and all, as OPA's ids are), and 404 for one that is not there.
  const shopId = policies.find((p) => p.id.endsWith('shop.rego'))!.id;
  const one = json(await call(`/v1/policies/${shopId.split('/').map(encodeURIComponent).join('/')}`, { method: 'GET' }));
  t.deepEqual(one, { result: { id: shopId, raw: SHOP } });
  const missing = await call('/v1/policies/nope.rego', { method: 'GET' });
  t.is(missing.status, 404);
  t.deepEqual(json(missing), { code: 'resource_not_found', message: 'storage_not_found_error: policy id "nope.rego"' });
});

test('a caller without a client certificate gets no answer at all (the listener requires one)', async (t) => {
  await t.throwsAsync(fetchReply(`https://${fx.server.httpAddress}/v1/data/shop/allow`, { method: 'POST', tls: { ca: fx.ca.cert }, body: '{"input":{"user":"alice"}}' }));
});
