/**
 * Issue 22 on the --http door and the metrics endpoint: the headers on every answer (errors and
 * 404s included, over TLS and in plaintext), the Host check against DNS rebinding, and CORS (off by
 * default; named origins only, and only for OPA's REST API).
 */
import test, { type ExecutionContext } from 'ava';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startFixture, type Fixture } from './helpers/fixture.js';
import { fetchReply, FORWARD_AUTH_POLICY, FRONTEND, regoCompiler, type Reply, type RequestOptions } from './helpers/forward-auth.js';

const PROXY = 'spiffe://example.org/ns/mesh/sa/ingress';
const APP = 'https://app.example.com';
const POLICY_FILES = { 'authz.rego': FORWARD_AUTH_POLICY, 'shop.rego': 'package shop\n\nallow if input.user == "alice"\n' };

let tlsFx: Fixture;
let plainFx: Fixture;
let proxyTls: RequestOptions['tls'];
let frontendPem: string;

test.before(async () => {
  [tlsFx, plainFx] = await Promise.all([
    startFixture({
      policyFiles: POLICY_FILES,
      config: { compiler: regoCompiler, http: { listen: '127.0.0.1:0', hosts: ['warden.internal'] }, hosts: { 'orders.internal': 'orders' }, opaApi: { entrypoints: ['shop/allow'] }, metrics: '127.0.0.1:0', metricsHosts: ['warden-metrics.internal'], limits: { maxBodyBytes: 1024 } },
    }),
    startFixture({
      policyFiles: POLICY_FILES,
      config: { compiler: regoCompiler, http: { listen: '127.0.0.1:0', cors: { origins: [APP] } }, httpPlaintext: true, opaApi: { entrypoints: ['shop/allow'] }, metrics: '127.0.0.1:0' },
    }),
  ]);
  const proxy = tlsFx.ca.issue({ cn: 'ingress', uris: [PROXY] });
  proxyTls = { cert: proxy.cert, key: proxy.key, ca: tlsFx.ca.cert };
  frontendPem = tlsFx.ca.issue({ cn: 'frontend', uris: [FRONTEND] }).cert;
});
test.after.always(async () => {
  await Promise.all([tlsFx?.close(), plainFx?.close()]);
});

const overTls = (path: string, options: RequestOptions = {}) => fetchReply(`https://${tlsFx.server.httpAddress}${path}`, { ...options, tls: proxyTls });
const inPlaintext = (path: string, options: RequestOptions = {}) => fetchReply(`http://${plainFx.server.httpAddress}${path}`, options);
const nginx = (uri: string, extra: Record<string, string> = {}) => ({ 'x-original-method': 'GET', 'x-original-uri': uri, 'x-warden-service': 'orders', ...extra });

/** The headers issue 22 asks of every answer of the door and the metrics endpoint. */
function assertHardened(t: ExecutionContext, reply: Reply, what: string, tls: boolean): void {
  t.is(reply.headers['x-content-type-options'], 'nosniff', what);
  t.is(reply.headers['cache-control'], 'no-store', what);
  t.regex(String(reply.headers['content-type']), /^(application\/json|text\/plain)\b/, `${what}: a type no browser renders as HTML`);
  if (tls) t.regex(String(reply.headers['strict-transport-security']), /^max-age=\d{7,}/, `${what}: HSTS over TLS`);
  else t.is(reply.headers['strict-transport-security'], undefined, `${what}: no HSTS in plaintext`);
  t.is(reply.headers['access-control-allow-origin'], undefined, `${what}: no CORS`);
  t.false(/<html|<!doctype/i.test(reply.body), `${what}: no HTML`);
}

/** Every route of the door, with its errors: [what, path, options, expected status]. */
const DOOR_REQUESTS: Array<[string, string, RequestOptions, number]> = [
  ['forward auth allowed', '/authz', { headers: nginx('/orders/1', { 'x-client-cert': '' }) }, 0],
  ['forward auth without a credential', '/authz', { headers: nginx('/orders/1') }, 401],
  ['forward auth, conflicting headers', '/authz', { headers: { ...nginx('/orders/1'), 'x-forwarded-uri': '/other' } }, 400],
  ['OPA data', '/v1/data/shop/allow', { method: 'POST', body: '{"input":{"user":"alice"}}' }, 200],
  ['OPA data, malformed body', '/v1/data/shop/allow', { method: 'POST', body: '{"input":' }, 400],
  ['OPA data, not compiled', '/v1/data/nowhere', { method: 'POST', body: '{}' }, 404],
  ['OPA data, body too large', '/v1/data/shop/allow', { method: 'POST', body: `{"input":"${'x'.repeat(2000)}"}` }, 413],
  ['OPA default decision', '/', { method: 'POST', body: '{}' }, 200],
  ['health', '/health', {}, 200],
  ['policies', '/v1/policies', {}, 200],
  ['unknown path', '/nothing/here', {}, 404],
  ['wrong method', '/health', { method: 'DELETE' }, 405],
  ['preflight', '/v1/data/shop/allow', { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST' } }, 403],
  ['foreign Host', '/health', { headers: { host: 'evil.example' } }, 421],
];

test('over TLS, every answer of the door (errors, 404s, 421 included) is nosniff, no-store, JSON or text, with HSTS and no CORS', async (t) => {
  for (const [what, path, options, status] of DOOR_REQUESTS) {
    const headers = what === 'forward auth allowed' ? nginx('/orders/1', { 'x-client-cert': encodeURIComponent(frontendPem) }) : options.headers;
    const reply = await overTls(path, { ...options, headers: { origin: 'https://evil.example', ...headers } });
    t.is(reply.status, status || 200, what);
    assertHardened(t, reply, what, true);
  }
});

test('in plaintext, the same headers without HSTS; CORS stays off for forward auth and for origins not named', async (t) => {
  for (const [what, path, options, status] of DOOR_REQUESTS) {
    if (what === 'forward auth allowed' || what === 'OPA data, body too large') continue;
    const reply = await inPlaintext(path, { ...options, headers: { ...options.headers, origin: 'https://evil.example' } });
    t.is(reply.status, status, what);
    assertHardened(t, reply, what, false);
  }
});

test('a request node cannot parse is answered 400 with the same headers, on the door and on metrics', async (t) => {
  const raw = (socketOf: () => import('node:net').Socket) =>
    new Promise<string>((resolve, reject) => {
      const socket = socketOf();
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nbad header line\r\n\r\n');
    });
  const [host, port] = [tlsFx.server.httpAddress!.split(':')[0]!, Number(tlsFx.server.httpAddress!.split(':')[1])];
  const overTlsText = await raw(() => tlsConnect({ host, port, servername: 'localhost', ...proxyTls }));
  const metrics = new URL(tlsFx.server.metricsUrl!);
  const metricsText = await raw(() => tcpConnect(Number(metrics.port), metrics.hostname));
  for (const [text, tls] of [[overTlsText, true], [metricsText, false]] as const) {
    t.regex(text, /^HTTP\/1\.1 400 /);
    t.regex(text, /\r\nx-content-type-options: nosniff\r\n/i);
    t.regex(text, /\r\ncache-control: no-store\r\n/i);
    t.regex(text, /\r\ncontent-type: (application\/json|text\/plain)/i);
    t.is(/strict-transport-security/i.test(text), tls);
  }
});

test('Host check: the listen address, localhost on loopback, http.hosts and the hosts map are answered; any other name is 421 before any route runs', async (t) => {
  const port = tlsFx.server.httpAddress!.split(':')[1];
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', 'warden.internal', `warden.internal.:${port}`, 'orders.internal:443']) {
    t.is((await overTls('/health', { headers: { host } })).status, 200, host);
  }
  for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.2', 'warden.internal.evil.example', 'bad host']) {
    const reply = await overTls('/authz', { headers: { ...nginx('/orders/1', { 'x-client-cert': encodeURIComponent(frontendPem) }), host } });
    t.is(reply.status, 421, host);
    t.regex(JSON.parse(reply.body).error, /misdirected request/, host);
    t.is(reply.headers['x-warden-decision-id'], undefined, `${host}: no decision was made`);
  }
});

test('metrics: /metrics, /status, 404 and a foreign Host all carry the headers; the foreign Host is 421 and its metrics are not served', async (t) => {
  const base = tlsFx.server.metricsUrl!.replace(/\/metrics$/, '');
  const cases: Array<[string, string, Record<string, string>, number]> = [
    ['metrics', '/metrics', {}, 200],
    ['status', '/status', {}, 200],
    ['unknown path', '/nothing', {}, 404],
    ['localhost', '/metrics', { host: 'localhost' }, 200],
    ['a name in metricsHosts', '/metrics', { host: 'warden-metrics.internal:9464' }, 200],
    ['a door name, not a metrics one', '/metrics', { host: 'warden.internal' }, 421],
    ['foreign Host', '/metrics', { host: 'rebound.evil.example' }, 421],
  ];
  for (const [what, path, headers, status] of cases) {
    const reply = await fetchReply(`${base}${path}`, { headers });
    t.is(reply.status, status, what);
    assertHardened(t, reply, `metrics ${what}`, false);
    if (status === 421) t.false(reply.body.includes('warden_'), 'no metric leaks to a foreign Host');
  }
});

test('CORS: a named origin\'s preflight for OPA\'s REST API is allowed (origin echoed, Vary: Origin, methods and headers); its answers carry the origin', async (t) => {
  const preflight = await inPlaintext('/v1/data/shop/allow', { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'Content-Type' } });
  t.is(preflight.status, 204);
  t.is(preflight.headers['access-control-allow-origin'], APP);
  t.is(preflight.headers['access-control-allow-credentials'], 'true');
  t.is(preflight.headers.vary, 'Origin');
  t.regex(String(preflight.headers['access-control-allow-methods']), /\bPOST\b/);
  t.regex(String(preflight.headers['access-control-allow-headers']), /\bcontent-type\b/);
  assertHeadersOnly(t, preflight);
  const answer = await inPlaintext('/v1/data/shop/allow', { method: 'POST', headers: { origin: APP }, body: '{"input":{"user":"alice"}}' });
  t.is(answer.status, 200);
  t.is(answer.headers['access-control-allow-origin'], APP);
  t.is(answer.headers.vary, 'Origin');
});

function assertHeadersOnly(t: ExecutionContext, reply: Reply): void {
  t.is(reply.headers['x-content-type-options'], 'nosniff');
  t.is(reply.headers['cache-control'], 'no-store');
}

test('CORS: another origin, a method the route does not take, a header not allowed, and forward auth are refused 403 without CORS headers', async (t) => {
  const refusals: Array<[string, string, Record<string, string>]> = [
    ['another origin', '/v1/data/shop/allow', { origin: 'https://app.example.com.evil.example', 'access-control-request-method': 'POST' }],
    ['no origin', '/v1/data/shop/allow', { 'access-control-request-method': 'POST' }],
    ['a method not taken', '/v1/data/shop/allow', { origin: APP, 'access-control-request-method': 'DELETE' }],
    ['a header not allowed', '/v1/data/shop/allow', { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-custom' }],
    ['forward auth', '/authz', { origin: APP, 'access-control-request-method': 'GET' }],
  ];
  for (const [what, path, headers] of refusals) {
    const reply = await inPlaintext(path, { method: 'OPTIONS', headers });
    t.is(reply.status, 403, what);
    t.regex(JSON.parse(reply.body).error, /cross-origin request refused/, what);
    t.is(reply.headers['access-control-allow-origin'], undefined, what);
  }
  const forwardAuth = await inPlaintext('/authz', { headers: { ...nginx('/orders/1'), origin: APP } });
  t.is(forwardAuth.headers['access-control-allow-origin'], undefined, 'forward auth is never opened to browsers');
  const other = await inPlaintext('/health', { headers: { origin: 'https://other.example' } });
  t.is(other.status, 200);
  t.is(other.headers['access-control-allow-origin'], undefined);
});

test('a proxy\'s forward-auth sub-request for a preflight to the guarded service is decided by policy, not refused as the door\'s own preflight', async (t) => {
  const reply = await overTls('/authz', {
    method: 'OPTIONS',
    headers: { ...nginx('/orders/1', { 'x-client-cert': encodeURIComponent(frontendPem) }), 'x-original-method': 'OPTIONS', origin: APP, 'access-control-request-method': 'GET' },
  });
  t.is(reply.status, 403, 'the policy grants GET only');
  t.truthy(reply.headers['x-warden-decision-id'], 'a decision was made');
  t.false(reply.body.includes('cross-origin'));
});
