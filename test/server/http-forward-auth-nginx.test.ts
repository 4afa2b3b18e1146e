/**
 * Debian's nginx in front of an upstream, delegating every request to a running Warden with
 * auth_request over mTLS, configured from the shipped deploy/nginx/warden.conf with this test's
 * ports and files filled in.
 */
import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { startFixture, type Fixture } from './helpers/fixture.js';
import { fetchReply, FORWARD_AUTH_POLICY, FRONTEND, regoCompiler } from './helpers/forward-auth.js';
import { freePort, startProcess, startUpstream, waitForPort, type RunningProcess } from './helpers/proxy-harness.js';

const NGINX = '/usr/sbin/nginx';
const available = await ensureDebianPackage(console, 'nginx', NGINX);
const serial = available ? test.serial : test.skip;

let fx: Fixture;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let nginx: RunningProcess | undefined;
let nginxPort: number;
let frontend: { cert: string; key: string };

/** deploy/nginx/warden.conf with this run's addresses, ports and files. */
function generatedConfig(dir: string, wardenHttp: string): string {
  const shipped = readFileSync(join(process.cwd(), 'deploy/nginx/warden.conf'), 'utf8');
  const replaced = shipped
    .replace('server 127.0.0.1:9192;', `server ${wardenHttp};`)
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${upstream.port};`)
    .replace('listen 8443 ssl;', `listen 127.0.0.1:${nginxPort} ssl;`)
    .replace('proxy_ssl_name warden.internal;', 'proxy_ssl_name localhost;')
    .replaceAll('/etc/warden/', `${dir}/`);
  for (const expected of [wardenHttp, `127.0.0.1:${upstream.port}`, `127.0.0.1:${nginxPort}`, 'proxy_ssl_name localhost']) {
    if (!replaced.includes(expected)) throw new Error(`deploy/nginx/warden.conf changed: could not fill in ${expected}`);
  }
  return replaced;
}

if (available) {
  test.before(async () => {
    fx = await startFixture({ policyFiles: { 'authz.rego': FORWARD_AUTH_POLICY }, config: { compiler: regoCompiler, http: { listen: '127.0.0.1:0', hosts: ['warden.internal'] } } });
    upstream = await startUpstream();
    nginxPort = await freePort();
    const dir = join(fx.dir, 'nginx-run');
    mkdirSync(join(dir, 'nginx'), { recursive: true });
    const server = fx.ca.issue({ cn: 'nginx', dns: ['localhost'], ips: ['127.0.0.1'] });
    const client = fx.ca.issue({ cn: 'nginx', uris: ['spiffe://example.org/ns/mesh/sa/nginx'] });
    writeFileSync(join(dir, 'ca.pem'), fx.ca.cert);
    writeFileSync(join(dir, 'nginx/server.pem'), server.cert);
    writeFileSync(join(dir, 'nginx/server-key.pem'), server.key);
    writeFileSync(join(dir, 'nginx/client.pem'), client.cert);
    writeFileSync(join(dir, 'nginx/client-key.pem'), client.key);
    writeFileSync(join(dir, 'warden.conf'), generatedConfig(dir, fx.server.httpAddress!));
    // Workers run as the user starting nginx here (root in CI: its default "nobody" cannot read the temp dir).
    const user = process.getuid?.() === 0 ? 'user root;\n' : '';
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${dir}/${k}-temp;`).join('\n');
    writeFileSync(
      join(dir, 'nginx.conf'),
      `${user}worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log info;\nevents { worker_connections 64; }\nhttp {\n  access_log ${dir}/access.log;\n${temp}\n  include ${dir}/warden.conf;\n}\n`,
    );
    nginx = startProcess('nginx', NGINX, ['-p', dir, '-e', `${dir}/error.log`, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;']);
    await waitForPort(nginxPort, nginx);
    frontend = fx.ca.issue({ cn: 'frontend', uris: [FRONTEND] });
  });
  test.after.always(async () => {
    await nginx?.stop();
    await upstream?.close();
    await fx?.close();
  });
}

const viaNginx = (path: string, cert?: { cert: string; key: string }) =>
  fetchReply(`https://127.0.0.1:${nginxPort}${path}`, { tls: { ca: fx.ca.cert, ...(cert ?? {}) } });

serial('an allowed request reaches the upstream, with the decision id; Warden saw nginx as the requester and the caller\'s certificate as the subject', async (t) => {
  const res = await viaNginx('/orders/42?view=full', frontend);
  t.is(res.status, 200);
  t.is(res.body, 'upstream: /orders/42?view=full');
  const seen = upstream.seen.find((r) => r.url === '/orders/42?view=full');
  const decisionId = String(seen?.headers['x-warden-decision-id'] ?? '');
  t.regex(decisionId, /^[0-9a-f-]{36}$/);
  const line = (await fx.decisions(1, decisionId)).find((l) => l.decision_id === decisionId)!;
  t.like(line.requester as object, { id: 'spiffe://example.org/ns/mesh/sa/nginx', authenticated_by: 'mtls' });
  t.like(line.subject as object, { id: FRONTEND, authenticated_by: 'mtls' });
  t.like(line.resource as object, { service: 'orders', path: '/orders/42' });
  t.deepEqual(line.source, { ip: '127.0.0.1' });
});

serial('a denied request gets 403 from nginx and never reaches the upstream', async (t) => {
  const res = await viaNginx('/admin/users', frontend);
  t.is(res.status, 403);
  t.false(upstream.seen.some((r) => r.url.startsWith('/admin')));
});

serial('no credential: 401 from nginx, and the upstream never sees it', async (t) => {
  const before = upstream.seen.length;
  const res = await viaNginx('/orders/7');
  t.is(res.status, 401);
  t.is(upstream.seen.length, before);
});

serial('a client cannot smuggle its own description of the request past nginx', async (t) => {
  const res = await fetchReply(`https://127.0.0.1:${nginxPort}/admin/users`, { tls: { ca: fx.ca.cert, ...frontend }, headers: { 'x-forwarded-uri': '/orders/1', 'x-forwarded-method': 'GET' } });
  t.is(res.status, 403);
  t.false(upstream.seen.some((r) => r.url.startsWith('/admin')));
});

serial('rate limited: 429 with Retry-After from nginx (through the shipped error_page)', async (t) => {
  t.is((await viaNginx('/limited', frontend)).status, 200);
  const limited = await viaNginx('/limited', frontend);
  t.is(limited.status, 429);
  t.regex(String(limited.headers['retry-after']), /^[1-9]\d*$/);
  t.is(upstream.seen.filter((r) => r.url === '/limited').length, 1);
});
