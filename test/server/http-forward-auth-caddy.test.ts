/**
 * Debian's Caddy in front of an upstream, delegating every request to a running Warden with
 * forward_auth over mTLS, configured from the shipped deploy/caddy/Caddyfile with this test's
 * ports and files filled in. Callers prove who they are with a bearer token Warden verifies.
 */
import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { startFixture, type Fixture } from './helpers/fixture.js';
import { fetchReply, FORWARD_AUTH_POLICY, regoCompiler } from './helpers/forward-auth.js';
import { AUDIENCE, ISSUER, signingKey, token, writeJwks, type SigningKey } from './helpers/jwks.js';
import { freePort, startProcess, startUpstream, waitForPort, type RunningProcess } from './helpers/proxy-harness.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const CADDY = '/usr/bin/caddy';
const available = await ensureDebianPackage(console, 'caddy', CADDY);
const serial = available ? test.serial : test.skip;

let fx: Fixture;
let key: SigningKey;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let caddy: RunningProcess | undefined;
let caddyPort: number;

/** deploy/caddy/Caddyfile with this run's addresses, ports and files. */
function generatedCaddyfile(dir: string, wardenHttp: string): string {
  const shipped = readFileSync(join(process.cwd(), 'deploy/caddy/Caddyfile'), 'utf8');
  const replaced = shipped
    .replace('http://:8080 {', `http://127.0.0.1:${caddyPort} {`)
    .replace('forward_auth 127.0.0.1:9192 {', `forward_auth ${wardenHttp} {`)
    .replace('reverse_proxy 127.0.0.1:8081', `reverse_proxy 127.0.0.1:${upstream.port}`)
    .replace('tls_server_name warden.internal', 'tls_server_name localhost')
    .replaceAll('/etc/warden/', `${dir}/`);
  for (const expected of [wardenHttp, `127.0.0.1:${upstream.port}`, `127.0.0.1:${caddyPort}`, 'tls_server_name localhost']) {
    if (!replaced.includes(expected)) throw new Error(`deploy/caddy/Caddyfile changed: could not fill in ${expected}`);
  }
  return replaced;
}

if (available) {
  test.before(async () => {
    key = await signingKey('k1');
    const jwks = join(temporaryDirectory('warden-caddy-jwks-'), 'jwks.json');
    writeJwks(jwks, [key]);
    fx = await startFixture({ policyFiles: { 'authz.rego': FORWARD_AUTH_POLICY }, config: { compiler: regoCompiler, http: '127.0.0.1:0', jwt: { jwks, issuer: ISSUER, audience: AUDIENCE } } });
    upstream = await startUpstream();
    caddyPort = await freePort();
    const dir = join(fx.dir, 'caddy-run');
    mkdirSync(join(dir, 'caddy'), { recursive: true });
    const client = fx.ca.issue({ cn: 'caddy', uris: ['spiffe://example.org/ns/mesh/sa/caddy'] });
    writeFileSync(join(dir, 'ca.pem'), fx.ca.cert);
    writeFileSync(join(dir, 'caddy/client.pem'), client.cert);
    writeFileSync(join(dir, 'caddy/client-key.pem'), client.key);
    const caddyfile = join(dir, 'Caddyfile');
    writeFileSync(caddyfile, generatedCaddyfile(dir, fx.server.httpAddress!));
    // Caddy keeps its state under XDG dirs and HOME: this run's temp dir, not the user's.
    const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
    caddy = startProcess('caddy', CADDY, ['run', '--config', caddyfile, '--adapter', 'caddyfile'], env);
    await waitForPort(caddyPort, caddy);
  });
  test.after.always(async () => {
    await caddy?.stop();
    await upstream?.close();
    await fx?.close();
  });
}

const viaCaddy = (path: string, headers: Record<string, string> = {}, method = 'GET') => fetchReply(`http://127.0.0.1:${caddyPort}${path}`, { method, headers });

serial('an allowed request reaches the upstream with the decision id; Warden saw Caddy as the requester and the token\'s subject', async (t) => {
  const tok = await token(key, { team: 'payments' });
  const res = await viaCaddy('/pay/7?x=1', { authorization: `Bearer ${tok}` }, 'POST');
  t.is(res.status, 200);
  t.is(res.body, 'upstream: /pay/7?x=1');
  const seen = upstream.seen.find((r) => r.url === '/pay/7?x=1');
  t.is(seen?.method, 'POST');
  const decisionId = String(seen?.headers['x-warden-decision-id'] ?? '');
  t.regex(decisionId, /^[0-9a-f-]{36}$/);
  const line = (await fx.decisions(1, decisionId)).find((l) => l.decision_id === decisionId)!;
  t.like(line.requester as object, { id: 'spiffe://example.org/ns/mesh/sa/caddy', authenticated_by: 'mtls' });
  t.like(line.subject as object, { authenticated_by: 'jwt', id: 'system:serviceaccount:shop:billing' });
  t.like(line.resource as object, { service: 'orders', path: '/pay/7' });
  t.is(line.action, 'POST');
  t.deepEqual(line.source, { ip: '127.0.0.1' });
  t.false(JSON.stringify(line).includes(tok));
});

serial('a denied request gets 403 from Caddy and never reaches the upstream', async (t) => {
  const tok = await token(key, { team: 'payments' });
  const res = await viaCaddy('/orders/1', { authorization: `Bearer ${tok}` });
  t.is(res.status, 403);
  t.false(upstream.seen.some((r) => r.url === '/orders/1'));
});

serial('no credential, or a forged token: 401 from Caddy, and the upstream never sees it', async (t) => {
  const before = upstream.seen.length;
  t.is((await viaCaddy('/pay/1')).status, 401);
  const forged = await token(await signingKey('k1'), { team: 'payments' });
  t.is((await viaCaddy('/pay/1', { authorization: `Bearer ${forged}` })).status, 401);
  t.is(upstream.seen.length, before);
});

serial('a client cannot smuggle nginx\'s headers or a certificate header through Caddy', async (t) => {
  const tok = await token(key, { team: 'payments' });
  const res = await viaCaddy('/orders/1', { authorization: `Bearer ${tok}`, 'x-original-uri': '/pay/1', 'x-original-method': 'POST', 'x-warden-service': 'elsewhere' });
  t.is(res.status, 403);
  t.false(upstream.seen.some((r) => r.url === '/orders/1'));
});

serial('rate limited: 429 with Retry-After passed on by Caddy', async (t) => {
  const tok = await token(key, { team: 'payments', sub: 'system:serviceaccount:shop:limited' });
  t.is((await viaCaddy('/limited', { authorization: `Bearer ${tok}` })).status, 200);
  const limited = await viaCaddy('/limited', { authorization: `Bearer ${tok}` });
  t.is(limited.status, 429);
  t.regex(String(limited.headers['retry-after']), /^[1-9]\d*$/);
});
