import test, { type ExecutionContext } from 'ava';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOADER_OPTIONS, readServeConfigFile, SERVED_PROTOS } from '../../src/server/index.js';
import { CHANNEL_OPTIONS, startFixture, unary, type Fixture } from './helpers/fixture.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

type HeaderOption = { header: { key: string; value: string }; append?: { value: boolean } };
type EnvoyResponse = {
  status: { code?: number; message?: string };
  ok_response?: { headers?: HeaderOption[]; headers_to_remove?: string[] };
  denied_response?: { status: { code: string | number }; headers?: HeaderOption[]; body?: string };
};

const SIDECAR = 'spiffe://example.org/ns/shop/sa/catalog-sidecar';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function envoyRequest(opts: { source?: string; method?: string; path?: string; http?: Record<string, unknown> } = {}) {
  return {
    attributes: {
      source: { address: { socket_address: { address: '10.0.0.5', port_value: 43210 } }, principal: opts.source ?? 'spiffe://example.org/ns/shop/sa/orders' },
      destination: { address: { socket_address: { address: '10.0.0.9', port_value: 8080 } }, principal: 'spiffe://example.org/ns/shop/sa/catalog', labels: { app: 'catalog' } },
      request: {
        time: { seconds: 1700000000, nanos: 5000000 },
        http: {
          id: 'req-1',
          method: opts.method ?? 'GET',
          path: opts.path ?? '/items/a%20b?x=1&x=2&y=3',
          host: 'catalog.shop',
          scheme: 'https',
          protocol: 'HTTP/2',
          headers: { ':method': opts.method ?? 'GET', authorization: `Bearer ${JWT}`, cookie: 'session=abc', 'x-request-id': 'req-1', 'x-trace': `t=${JWT}` },
          ...opts.http,
        },
      },
      context_extensions: { route: 'items' },
    },
  };
}

const headerMap = (hs: HeaderOption[] = []) => Object.fromEntries(hs.map((h) => [h.header.key, h.header.value]));

let fx: Fixture;
let opa: Fixture;
let exposing: Fixture;
test.before(async () => {
  [fx, opa, exposing] = await Promise.all([
    startFixture(),
    startFixture({ config: { envoyDecision: 'warden/envoy/decision' } }),
    startFixture({ config: { envoy: { exposeReasons: true }, limits: { maxBodyBytes: 1024 } } }),
  ]);
});
test.after.always(async () => {
  await Promise.all([fx?.close(), opa?.close(), exposing?.close()]);
});

test.serial('allowed: status 0 and ok_response adding x-warden-decision-id', async (t) => {
  const c = fx.clients(SIDECAR);
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest());
  t.is(res.status.code ?? 0, 0);
  t.truthy(res.ok_response);
  t.falsy(res.denied_response);
  const id = headerMap(res.ok_response!.headers)['x-warden-decision-id'];
  t.regex(id!, /^[0-9a-f-]{36}$/);
  c.close();
});

test.serial('denied: status 7 and denied_response with HTTP 403, a generic body naming the decision id, no reasons', async (t) => {
  const c = fx.clients(SIDECAR);
  const source = 'spiffe://example.org/ns/shop/sa/frontend';
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ source }));
  t.is(res.status.code, 7);
  t.falsy(res.ok_response);
  t.is(res.denied_response!.status.code, 'Forbidden');
  const headers = headerMap(res.denied_response!.headers);
  const id = headers['x-warden-decision-id']!;
  t.regex(id, /^[0-9a-f-]{36}$/);
  t.is(res.denied_response!.body, `access denied (decision ${id})\n`);
  t.is(headers['content-type'], 'text/plain; charset=utf-8');
  t.is(res.status.message, `access denied (decision ${id})`);
  for (const leak of ['not granted', source, SIDECAR]) {
    t.false(res.denied_response!.body!.includes(leak), `body shows ${leak}`);
    t.false(res.status.message!.includes(leak), `status.message shows ${leak}`);
  }
  const line = (await fx.decisions(1, id)).find((l) => l.decision_id === id)!;
  t.deepEqual(line.reasons, ['not granted'], 'the reasons stay in the decision log');
  c.close();
});

test.serial('a policy that fails: its wording stays out of the denied response', async (t) => {
  const c = fx.clients(SIDECAR);
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ method: 'badshape' }));
  t.is(res.status.code, 7);
  const id = headerMap(res.denied_response!.headers)['x-warden-decision-id']!;
  t.is(res.denied_response!.body, `access denied (decision ${id})\n`);
  t.false(JSON.stringify(res).includes('warden/authz/decision'));
  const line = (await fx.decisions(1, id)).find((l) => l.decision_id === id)!;
  t.regex((line.reasons as string[])[0]!, /warden\/authz\/decision must be/);
  c.close();
});

test.serial('with envoy.exposeReasons the reasons are the body and status.message, as before', async (t) => {
  const c = exposing.clients(SIDECAR);
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ source: 'spiffe://example.org/ns/shop/sa/frontend' }));
  t.is(res.status.code, 7);
  t.is(res.status.message, 'not granted');
  t.is(res.denied_response!.status.code, 'Forbidden');
  t.is(res.denied_response!.body, 'not granted\n');
  t.truthy(headerMap(res.denied_response!.headers)['x-warden-decision-id']);
  c.close();
});

test('a config file may set envoy.exposeReasons', (t) => {
  const file = join(temporaryDirectory('warden-config-'), 'warden.yaml');
  writeFileSync(file, 'envoy:\n  exposeReasons: true\nlimits:\n  maxBodyBytes: 4096\n');
  t.deepEqual(readServeConfigFile(file), { envoy: { exposeReasons: true }, limits: { maxBodyBytes: 4096 } });
});

test.serial('the Envoy input: subject from source.principal, requester the sidecar, secrets redacted in the log', async (t) => {
  const c = fx.clients(SIDECAR);
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/log-me?q=1' }));
  const id = headerMap(res.ok_response!.headers)['x-warden-decision-id'];
  const lines = await fx.decisions(1, id);
  const line = lines.find((l) => l.decision_id === id)!;
  t.truthy(line);
  t.is(line.api, 'envoy');
  t.like(line.subject as object, { id: 'spiffe://example.org/ns/shop/sa/orders', service_account: 'orders', authenticated_by: 'requester' });
  t.like(line.requester as object, { id: SIDECAR, authenticated_by: 'mtls' });
  t.is(line.action, 'GET');
  t.deepEqual(line.resource, { service: 'catalog', path: '/log-me', attributes: { app: 'catalog' } });
  t.deepEqual(line.source, { ip: '10.0.0.5' });
  const http = line.http as { headers: Record<string, string>; path: string };
  t.is(http.path, '/log-me?q=1');
  t.is(http.headers.authorization, '[REDACTED]');
  t.is(http.headers.cookie, '[REDACTED]');
  t.is(http.headers['x-trace'], 't=[REDACTED]');
  t.is(http.headers['x-request-id'], 'req-1');
  t.false(JSON.stringify(lines).includes(JWT), 'no JWT reaches the decision log');
  c.close();
});

test.serial('OPA-Envoy decisions: object with headers, boolean, and custom status and body', async (t) => {
  const c = opa.clients(SIDECAR);
  const pub = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/public/x?y=1' }));
  t.is(pub.status.code ?? 0, 0);
  const h = headerMap(pub.ok_response!.headers);
  t.is(h['x-checked'], 'yes');
  t.truthy(h['x-warden-decision-id']);
  const bool = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/private?mode=bool' }));
  t.is(bool.status.code ?? 0, 0);
  const denied = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/private' }));
  t.is(denied.status.code, 7);
  t.is(denied.denied_response!.status.code, 'Unauthorized');
  t.is(denied.denied_response!.body, 'nope');
  c.close();
});

test.serial('an Envoy check is answered from the cache when it differs only where the policy does not read: request id, time, source port', async (t) => {
  const c = opa.clients(SIDECAR);
  const ask = async (request: ReturnType<typeof envoyRequest>) => {
    const res = await unary<EnvoyResponse>(c.envoy, 'Check', request);
    const id = headerMap(res.ok_response?.headers ?? res.denied_response?.headers)['x-warden-decision-id']!;
    return (await opa.decisions(1, id)).find((l) => l.decision_id === id)!;
  };
  // Every Envoy request carries a fresh id and time; a new connection, a new source port.
  const fresh = (n: number, path: string) => {
    const request = envoyRequest({ path, http: { id: `req-${n}`, headers: { ':method': 'GET', 'x-request-id': `req-${n}` } } });
    request.attributes.request.time = { seconds: 1700000000 + n, nanos: n };
    request.attributes.source.address.socket_address.port_value = 40000 + n;
    return request;
  };
  // Denied paths (only a first segment "public" is allowed): a first segment no other test asks for.
  const first = await ask(fresh(1, '/cache-me/a?x=1'));
  t.is(first.cached, false);
  t.is(first.allowed, false);
  const second = await ask(fresh(2, '/cache-me/b?x=2'));
  t.is(second.cached, true, 'the test policy reads parsed_path[0] and parsed_query.mode[0]: nothing of the id, time, port or the rest of the path');
  t.like(second.http as object, { path: '/cache-me/b?x=2', headers: { 'x-request-id': 'req-2' } });
  // What the policy reads differs: another decision.
  t.is((await ask(fresh(3, '/cache-me-too/a'))).cached, false);
  t.is((await ask(fresh(4, '/cache-me/a?mode=other'))).cached, false);
  c.close();
});

/** `warden_envoy_rejected_requests_total{reason}` as scraped now (-1 when the series is missing). */
async function rejectedCount(f: Fixture, reason: string): Promise<number> {
  const text = await (await fetch(f.server.metricsUrl!)).text();
  const m = new RegExp(`^warden_envoy_rejected_requests_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : -1;
}

/**
 * Sends `send`'s request and asserts a rejection: a denying CheckResponse (not a gRPC error) with
 * `httpStatus`, the decision id header, a decision log line, one more in the metric, and one
 * operational log line without a stack trace. Returns the response and its decision id.
 */
async function assertRejected(t: ExecutionContext, f: Fixture, send: () => Promise<EnvoyResponse>, reason: string, httpStatus: string) {
  const before = await rejectedCount(f, reason);
  const res = await send();
  t.is(res.status.code, 7);
  t.falsy(res.ok_response);
  t.is(res.denied_response!.status.code, httpStatus);
  const id = headerMap(res.denied_response!.headers)['x-warden-decision-id']!;
  t.regex(id, /^[0-9a-f-]{36}$/);
  const line = (await f.decisions(1, id)).find((l) => l.decision_id === id)!;
  t.is(line.allowed, false);
  t.is(line.api, 'envoy');
  t.regex((line.reasons as string[])[0]!, /^request rejected: /);
  t.is(await rejectedCount(f, reason), before + 1);
  const logged = f.opsLog.filter((l) => l.decision_id === id);
  t.is(logged.length, 1);
  t.like(logged[0], { reason, msg: `envoy check rejected: ${(line.reasons as string[])[0]!.slice('request rejected: '.length)}` });
  t.false(JSON.stringify(logged[0]).includes('    at '), 'no stack trace');
  return { res, id, line };
}

test.serial('a JSON body nested 100,000 deep is a 400 denial, and the server answers on', async (t) => {
  const c = fx.clients(SIDECAR);
  const body = '['.repeat(100_000) + ']'.repeat(100_000);
  const { res, id, line } = await assertRejected(
    t,
    fx,
    () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ method: 'POST', http: { body, headers: { 'content-type': 'application/json' } } })),
    'body_too_deep',
    'BadRequest',
  );
  t.is(res.denied_response!.body, `access denied (decision ${id})\n`);
  t.deepEqual(line.reasons, ['request rejected: the JSON body is nested deeper than 32 levels']);
  const next = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest());
  t.is(next.status.code ?? 0, 0);
  c.close();
});

test.serial('a JSON body that does not parse is a 400 denial', async (t) => {
  const c = fx.clients(SIDECAR);
  await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ method: 'POST', http: { body: '{"a": ', headers: { 'content-type': 'application/json' } } })), 'malformed', 'BadRequest');
  c.close();
});

test.serial('a 16 KiB path is a 414 denial, logged cut short', async (t) => {
  const c = fx.clients(SIDECAR);
  const path = '/' + 'a'.repeat(16 * 1024);
  const { line } = await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path })), 'path_too_long', 'URITooLong');
  t.true(((line.http as { path: string }).path).length < 400);
  t.like(line.subject as object, { id: 'spiffe://example.org/ns/shop/sa/orders', authenticated_by: 'requester' }, 'whose request it was');
  c.close();
});

test.serial('a 1,000-character header name, an 9 KiB value or 300 headers is a 431 denial', async (t) => {
  const c = fx.clients(SIDECAR);
  const name = 'x-' + 'a'.repeat(1000);
  await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ http: { headers: { [name]: 'v' } } })), 'header_too_large', 'RequestHeaderFieldsTooLarge');
  await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ http: { header_map: { headers: [{ key: name, value: 'v' }] } } })), 'header_too_large', 'RequestHeaderFieldsTooLarge');
  const raw = Buffer.alloc(9 * 1024, 'v').toString('base64');
  await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ http: { header_map: { headers: [{ key: 'x-big', raw_value: raw }] } } })), 'header_too_large', 'RequestHeaderFieldsTooLarge');
  const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-h${i}`, 'v']));
  await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ http: { headers: many } })), 'header_too_large', 'RequestHeaderFieldsTooLarge');
  c.close();
});

test.serial('a body over limits.maxBodyBytes is a 413 denial; with exposeReasons the body says why', async (t) => {
  const c = exposing.clients(SIDECAR);
  const { res } = await assertRejected(
    t,
    exposing,
    () => unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ method: 'POST', http: { body: 'x'.repeat(2048), headers: { 'content-type': 'text/plain' } } })),
    'body_too_large',
    'PayloadTooLarge',
  );
  t.is(res.denied_response!.body, 'request rejected: the body is larger than 1024 bytes\n');
  t.is(res.status.message, 'request rejected: the body is larger than 1024 bytes');
  c.close();
  // By default the limit (512 KiB) sits below the gRPC message limit (1 MiB), so such a body arrives to be denied.
  const d = fx.clients(SIDECAR);
  const big = Buffer.alloc(600 * 1024, 'x').toString('base64');
  const { line } = await assertRejected(t, fx, () => unary<EnvoyResponse>(d.envoy, 'Check', envoyRequest({ method: 'POST', http: { raw_body: big } })), 'body_too_large', 'PayloadTooLarge');
  t.deepEqual(line.reasons, ['request rejected: the body is larger than 524288 bytes']);
  d.close();
});

test.serial('bytes that are not a CheckRequest, or a CheckRequest without an HTTP request, are a 403 denial, not a gRPC error', async (t) => {
  const def = protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS);
  const check = (def['envoy.service.auth.v3.Authorization'] as Record<string, { responseDeserialize: (b: Buffer) => EnvoyResponse }>).Check!;
  const client = new grpc.Client(fx.server.address, fx.credentials(SIDECAR), CHANNEL_OPTIONS);
  t.teardown(() => client.close());
  // Field 1 (attributes), length-delimited, claiming 255 bytes that never come.
  const undecodable = Buffer.from([0x0a, 0xff, 0x01]);
  const sendRaw = () =>
    new Promise<EnvoyResponse>((resolve, reject) =>
      client.makeUnaryRequest('/envoy.service.auth.v3.Authorization/Check', (b: Buffer) => b, check.responseDeserialize, undecodable, (e, v) => (e ? reject(e) : resolve(v!))),
    );
  const { line } = await assertRejected(t, fx, sendRaw, 'bad_check_request', 'Forbidden');
  t.deepEqual(line.reasons, ['request rejected: request is not a valid protobuf message']);
  const c = fx.clients(SIDECAR);
  await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', {}), 'bad_check_request', 'Forbidden');
  await assertRejected(t, fx, () => unary<EnvoyResponse>(c.envoy, 'Check', { attributes: {} }), 'bad_check_request', 'Forbidden');
  c.close();
});
