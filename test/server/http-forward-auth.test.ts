import test from 'ava';
import { dirname, join } from 'node:path';
import { ApiKeyStore } from '../../src/credentials/api-key-store.js';
import { startFixture, type Fixture } from './helpers/fixture.js';
import { fetchReply, FORWARD_AUTH_POLICY, FRONTEND, regoCompiler, type RequestOptions } from './helpers/forward-auth.js';
import { AUDIENCE, ISSUER, signingKey, token, writeJwks, type SigningKey } from './helpers/jwks.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const PROXY = 'spiffe://example.org/ns/mesh/sa/ingress';

let fx: Fixture;
let key: SigningKey;
let proxyTls: RequestOptions['tls'];
let frontendPem: string;
let apiKey: string;

test.before(async () => {
  key = await signingKey('k1');
  const jwks = join(temporaryDirectory('warden-http-jwks-'), 'jwks.json');
  writeJwks(jwks, [key]);
  const apiKeys = join(dirname(jwks), 'api-keys.json');
  apiKey = new ApiKeyStore(apiKeys).create(FRONTEND, { nowMs: Date.now(), services: ['orders'] }).key;
  fx = await startFixture({
    policyFiles: { 'authz.rego': FORWARD_AUTH_POLICY },
    config: { compiler: regoCompiler, http: '127.0.0.1:0', hosts: { 'orders.internal': 'orders' }, jwt: { jwks, issuer: ISSUER, audience: AUDIENCE }, apiKeys },
  });
  const proxy = fx.ca.issue({ cn: 'ingress', uris: [PROXY] });
  proxyTls = { cert: proxy.cert, key: proxy.key, ca: fx.ca.cert };
  frontendPem = fx.ca.issue({ cn: 'frontend', uris: [FRONTEND] }).cert;
});
test.after.always(async () => {
  await fx?.close();
});

const authz = (path: string, headers: Record<string, string | string[]>, method = 'GET') =>
  fetchReply(`https://${fx.server.httpAddress}${path}`, { method, headers, tls: proxyTls });

const nginxHeaders = (uri: string, extra: Record<string, string> = {}) => ({
  'x-original-method': 'GET',
  'x-original-uri': uri,
  'x-forwarded-for': '203.0.113.9, 198.51.100.7',
  'x-warden-service': 'orders',
  ...extra,
});

async function logLine(decisionId: string): Promise<Record<string, any>> {
  return (await fx.decisions(1, decisionId)).find((l) => l.decision_id === decisionId)!;
}

test('nginx: a forwarded client certificate from the client CA is the subject ("mtls"); allowed is 200 with the decision id, logged as api "http" without secrets', async (t) => {
  const res = await authz('/authz', nginxHeaders('/orders/42?view=full', { 'x-client-cert': encodeURIComponent(frontendPem), cookie: 'session=s3cr3t-cookie', 'x-request-id': 'r-1' }));
  t.is(res.status, 200);
  const body = JSON.parse(res.body);
  t.deepEqual(body, { decision_id: res.headers['x-warden-decision-id'], allowed: true });
  const line = await logLine(body.decision_id);
  t.is(line.api, 'http');
  t.like(line.subject, { id: FRONTEND, authenticated_by: 'mtls' });
  t.like(line.requester, { id: PROXY, authenticated_by: 'mtls' });
  t.like(line.resource, { service: 'orders', path: '/orders/42' });
  t.deepEqual(line.source, { ip: '198.51.100.7' });
  t.like(line.http, { method: 'GET', path: '/orders/42?view=full' });
  t.is(line.http.headers['x-request-id'], 'r-1');
  for (const control of ['x-original-uri', 'x-original-method', 'x-warden-service', 'connection']) t.false(control in line.http.headers, control);
  const text = JSON.stringify(line);
  t.false(text.includes('s3cr3t-cookie'), 'cookies are redacted');
  t.false(text.includes('BEGIN%20CERTIFICATE') || text.includes(frontendPem.slice(30, 90)), 'the forwarded certificate is redacted');
});

test('a denied request is 403 with the decision id; the reasons are only in the log', async (t) => {
  const res = await authz('/authz', nginxHeaders('/admin/users', { 'x-client-cert': encodeURIComponent(frontendPem) }));
  t.is(res.status, 403);
  const body = JSON.parse(res.body);
  t.false(body.allowed);
  t.false(res.body.includes('not granted'));
  t.deepEqual((await logLine(body.decision_id)).reasons, ['not granted']);
});

test('no credential is 401, logged with the request but no subject', async (t) => {
  const res = await authz('/authz', nginxHeaders('/orders/1', { authorization: 'Basic dXNlcjpwYXNz' }));
  t.is(res.status, 401);
  const line = await logLine(JSON.parse(res.body).decision_id);
  t.is(line.subject, null);
  t.regex(line.reasons[0], /^request refused: no credential/);
  t.false(JSON.stringify(line).includes('dXNlcjpwYXNz'), 'the authorization header is redacted');
});

test('a bad credential is 401: an unparsable certificate header, an invalid token', async (t) => {
  const cert = await authz('/authz', nginxHeaders('/orders/1', { 'x-client-cert': 'not%20a%20certificate' }));
  t.is(cert.status, 401);
  const forged = await token(await signingKey('k1'), { team: 'payments' });
  const jwt = await authz('/authz', { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/pay/1', authorization: `Bearer ${forged}` });
  t.is(jwt.status, 401);
  t.regex((await logLine(JSON.parse(jwt.body).decision_id)).reasons[0], /subject token rejected/);
});

test('Traefik and Caddy: X-Forwarded-* headers and a bearer token Warden verifies ("jwt"); the service from the hosts map', async (t) => {
  const tok = await token(key, { team: 'payments' });
  const res = await authz('/authz', { 'x-forwarded-method': 'POST', 'x-forwarded-uri': '/pay/7', 'x-forwarded-host': 'Orders.Internal:8443', 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.1', authorization: `Bearer ${tok}` });
  t.is(res.status, 200);
  const line = await logLine(JSON.parse(res.body).decision_id);
  t.like(line.subject, { authenticated_by: 'jwt', id: 'system:serviceaccount:shop:billing' });
  t.like(line.resource, { service: 'orders', path: '/pay/7' });
  t.is(line.action, 'POST');
  t.is(line.http.host, 'Orders.Internal:8443');
  t.false(JSON.stringify(line).includes(tok), 'the token is redacted');
});

test('Envoy HTTP mode: the method and the path after /authz are the original request; the last XFCC element names the caller ("requester")', async (t) => {
  const xfcc = `By=spiffe://example.org/ns/edge/sa/edge;URI=spiffe://example.org/ns/x/sa/other,By=${PROXY};Subject="CN=frontend,O=shop";URI=${FRONTEND}`;
  const res = await authz('/authz/orders/7?x=1&x=2', { 'x-forwarded-client-cert': xfcc, 'x-warden-service': 'orders' });
  t.is(res.status, 200);
  const line = await logLine(JSON.parse(res.body).decision_id);
  t.like(line.subject, { id: FRONTEND, authenticated_by: 'requester' });
  t.like(line.http, { method: 'GET', path: '/orders/7?x=1&x=2' });
  const post = await authz('/authz/orders/7', { 'x-forwarded-client-cert': xfcc, 'x-warden-service': 'orders' }, 'POST');
  t.is(post.status, 403, 'the sub-request method is the original one');
});

test('headers that disagree about the original request are 400, never an allow', async (t) => {
  const res = await authz('/authz', nginxHeaders('/orders/1', { 'x-client-cert': encodeURIComponent(frontendPem), 'x-forwarded-uri': '/admin' }));
  t.is(res.status, 400);
  t.false(JSON.parse(res.body).allowed);
  const warned = fx.opsLog.find((l) => l.decision_id === JSON.parse(res.body).decision_id);
  t.like(warned, { level: 40, code: 'http_bad_request', http_status: 400 }, 'a proxy sending what cannot be read is warned about');
  t.regex(String(warned?.msg), /^forward-auth request refused: x-original-uri and x-forwarded-uri disagree/);
  const hop = await authz('/authz', nginxHeaders('/orders/1', { 'x-client-cert': encodeURIComponent(frontendPem), 'x-forwarded-for': 'not-an-address' }));
  t.is(hop.status, 400);
});

test('a limit the decision asks for is 429 with Retry-After in seconds once spent', async (t) => {
  const headers = nginxHeaders('/limited', { 'x-client-cert': encodeURIComponent(fx.ca.issue({ cn: 'limited', uris: ['spiffe://example.org/ns/shop/sa/limited'] }).cert) });
  t.is((await authz('/authz', headers)).status, 200);
  const second = await authz('/authz', headers);
  t.is(second.status, 429);
  t.regex(String(second.headers['retry-after']), /^[1-9]\d*$/);
  t.false(JSON.parse(second.body).allowed);
});

test('a policy that fails to evaluate is 403', async (t) => {
  const res = await authz('/authz', nginxHeaders('/boom', { 'x-client-cert': encodeURIComponent(frontendPem) }));
  t.is(res.status, 403);
  t.regex((await logLine(JSON.parse(res.body).decision_id)).reasons[0] ?? '', /evaluation|error|divi/i);
});

test('other paths are 404, and a proxy without a client certificate is refused in the handshake', async (t) => {
  t.is((await authz('/authzx', {})).status, 404);
  t.is((await authz('/nowhere', {})).status, 404);
  t.is((await authz('/', {})).status, 405, 'POST / is OPA\'s default decision; GET is not taken');
  await t.throwsAsync(fetchReply(`https://${fx.server.httpAddress}/authz`, { tls: { ca: fx.ca.cert } }));
});

test('a declared body over limits.maxBodyBytes is 413', async (t) => {
  const res = await authz('/authz', { 'content-length': String(600 * 1024), 'x-client-cert': encodeURIComponent(frontendPem) }, 'POST').catch((e: Error) => e);
  // The server may close before the client has sent everything: then the connection is cut, never answered with an allow.
  if (res instanceof Error) t.regex(`${res.message} ${(res as NodeJS.ErrnoException).code ?? ''}`, /socket hang up|ECONNRESET|EPIPE|closed/i);
  else t.is(res.status, 413);
});

test('plaintext mode (loopback only): the requester is "anonymous-proxy"', async (t) => {
  const plain = await startFixture({ policyFiles: { 'authz.rego': FORWARD_AUTH_POLICY }, config: { compiler: regoCompiler, http: '127.0.0.1:0', httpPlaintext: true } });
  t.teardown(() => plain.close());
  const pem = plain.ca.issue({ cn: 'frontend', uris: [FRONTEND] }).cert;
  const res = await fetchReply(`http://${plain.server.httpAddress}/authz`, { headers: nginxHeaders('/orders/1', { 'x-client-cert': encodeURIComponent(pem) }) });
  t.is(res.status, 200);
  const line = (await plain.decisions(1, JSON.parse(res.body).decision_id)).find((l) => l.decision_id === JSON.parse(res.body).decision_id)!;
  t.deepEqual(line.requester, { id: 'anonymous-proxy', authenticated_by: 'requester' });
  t.like(line.subject as object, { authenticated_by: 'mtls' }, 'forwarded certificates are still checked against the client CA');
});

test('API keys: x-api-key or authorization: ApiKey is the subject ("api_key"); a bad or out-of-scope key is 401; the key is in no log', async (t) => {
  for (const header of [{ 'x-api-key': apiKey }, { authorization: `ApiKey ${apiKey}` }] as Array<Record<string, string>>) {
    const res = await authz('/authz', nginxHeaders('/orders/3', header));
    t.is(res.status, 200);
    const line = await logLine(JSON.parse(res.body).decision_id);
    t.like(line.subject, { id: FRONTEND, authenticated_by: 'api_key' });
    t.false(JSON.stringify(line).includes(apiKey.slice(-43)));
    t.false('x-api-key' in line.http.headers);
  }
  const forged = await authz('/authz', nginxHeaders('/orders/3', { 'x-api-key': `${apiKey.slice(0, -4)}AAAA` }));
  t.is(forged.status, 401);
  t.deepEqual((await logLine(JSON.parse(forged.body).decision_id)).reasons, ['request refused: api key rejected']);
  const elsewhere = await authz('/authz', nginxHeaders('/orders/3', { 'x-api-key': apiKey, 'x-warden-service': 'payments' }));
  t.is(elsewhere.status, 401, 'the key may only call orders');
  t.false(JSON.stringify(fx.opsLog).includes(apiKey.slice(-43)));
});
