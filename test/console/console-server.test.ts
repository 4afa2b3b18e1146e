import test from 'ava';
import { startFixture, unary, type Fixture } from '../server/helpers/fixture.js';
import { CONSOLE_HEADERS } from '../../src/console/index.js';
import { consoleRequest, sessionCookieOf, type ConsoleAnswer } from './console-client.js';

const ADMIN = 'spiffe://example.org/ns/ops/sa/alice';
let fixture: Fixture;
let base: string;
let origin: string;
let cookie: string;
let csrf: string;

test.before(async () => {
  fixture = await startFixture({ config: { console: { listen: '127.0.0.1:0', admins: [ADMIN] }, devLogin: true } });
  base = fixture.server.consoleUrl!;
  origin = base;
  const login = await consoleRequest(fixture.server.consoleLoginLink!, fixture.ca.cert);
  cookie = sessionCookieOf(login);
  csrf = (JSON.parse((await get('/api/session')).body) as { csrfToken: string }).csrfToken;
});

test.after.always(async () => {
  await fixture?.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<ConsoleAnswer> {
  return consoleRequest(`${base}${path}`, fixture.ca.cert, { headers: { cookie, ...headers } });
}

function post(path: string, body: unknown, headers: Record<string, string>): Promise<ConsoleAnswer> {
  return consoleRequest(`${base}${path}`, fixture.ca.cert, { method: 'POST', body: JSON.stringify(body), headers: { cookie, 'content-type': 'application/json', ...headers } });
}

function assertConsoleHeaders(t: import('ava').ExecutionContext, answer: ConsoleAnswer, what: string): void {
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) t.is(answer.headers[name], value, `${what}: ${name}`);
  t.is(answer.headers['access-control-allow-origin'], undefined, `${what}: no CORS`);
}

async function check(action: string, service: string, path = '/'): Promise<{ decision_id: string; allowed: boolean }> {
  const clients = fixture.clients();
  try {
    return await unary(clients.authz, 'Check', { action, resource: { service, path } });
  } finally {
    clients.close();
  }
}

test.serial('a console nobody can log in to refuses to start, saying how to open it', async (t) => {
  const error = await t.throwsAsync(startFixture({ config: { console: '127.0.0.1:0' } }));
  t.regex(error!.message, /console\.admins/);
  t.regex(error!.message, /--dev/);
});

test.serial('every answer carries the security headers: pages, data, refusals, the login link', async (t) => {
  const answers: Array<[string, ConsoleAnswer]> = [
    ['page', await get('/')],
    ['session API', await get('/api/session')],
    ['not logged in', await consoleRequest(`${base}/api/session`, fixture.ca.cert)],
    ['foreign host', await get('/', { host: 'evil.example' })],
    ['spent login link', await consoleRequest(fixture.server.consoleLoginLink!, fixture.ca.cert)],
  ];
  for (const [what, answer] of answers) {
    assertConsoleHeaders(t, answer, what);
    t.is(answer.headers['cache-control'], 'no-store', what);
  }
  t.regex(CONSOLE_HEADERS['content-security-policy']!, /script-src 'self'(;|$)/);
  t.notRegex(CONSOLE_HEADERS['content-security-policy']!, /unsafe-(inline|eval)/);
});

test.serial('Host check: a foreign Host is 421, the listen address and localhost are answered', async (t) => {
  const port = new URL(base).port;
  t.is((await get('/api/session', { host: 'evil.example' })).status, 421);
  t.is((await get('/api/session', { host: `rebound.example:${port}` })).status, 421);
  t.is((await get('/api/session', { host: `127.0.0.1:${port}` })).status, 200);
  t.is((await get('/api/session', { host: `localhost:${port}` })).status, 200);
});

test.serial('the login link: one use, a HttpOnly SameSite=Strict __Host- cookie, a redirect away from the token', async (t) => {
  const link = fixture.server.consoleLoginLink!;
  const spent = await consoleRequest(link, fixture.ca.cert);
  t.is(spent.status, 403, 'the link was used in before()');
  t.is(spent.headers['set-cookie'], undefined);
  const forged = await consoleRequest(`${base}/login?token=${'A'.repeat(43)}`, fixture.ca.cert);
  t.is(forged.status, 403);
  t.regex(new URL(link).searchParams.get('token')!, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
  const session = await get('/api/session');
  t.is(session.status, 200);
  t.is(JSON.parse(session.body).admin, 'dev-login');
  t.is((await consoleRequest(`${base}/api/session`, fixture.ca.cert)).status, 401, 'no cookie, no session');
  t.is((await consoleRequest(`${base}/api/session`, fixture.ca.cert, { headers: { cookie: '__Host-warden-console=guess' } })).status, 401);
});

test.serial('mTLS: an admin certificate logs in, another SPIFFE ID does not', async (t) => {
  const admin = fixture.ca.issue({ cn: 'alice', uris: [ADMIN] });
  const answer = await consoleRequest(`${base}/api/session`, fixture.ca.cert, { cert: admin });
  t.is(answer.status, 200);
  t.is(JSON.parse(answer.body).admin, ADMIN);
  const set = String(answer.headers['set-cookie']);
  for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) t.true(set.includes(attribute), attribute);
  t.true(set.startsWith('__Host-'));
  const other = fixture.ca.issue({ cn: 'mallory', uris: ['spiffe://example.org/ns/shop/sa/frontend'] });
  t.is((await consoleRequest(`${base}/api/session`, fixture.ca.cert, { cert: other })).status, 401);
});

test.serial('CSRF: a POST needs a same-origin Origin (or Sec-Fetch-Site) and the session token, else 403, counted', async (t) => {
  const body = { modules: [{ path: 'x.rego', source: 'package x\n\nallow := true\n' }], entrypoint: 'x/allow' };
  const before = await csrfRefusals();
  t.is((await post('/api/playground/evaluate', body, { origin })).status, 403, 'no token');
  t.is((await post('/api/playground/evaluate', body, { origin, 'x-warden-csrf': 'wrong' })).status, 403, 'wrong token');
  t.is((await post('/api/playground/evaluate', body, { origin: 'https://evil.example', 'x-warden-csrf': csrf })).status, 403, 'foreign origin');
  t.is((await post('/api/playground/evaluate', body, { 'x-warden-csrf': csrf })).status, 403, 'no origin, no fetch metadata');
  t.is((await post('/api/playground/evaluate', body, { 'sec-fetch-site': 'cross-site', 'x-warden-csrf': csrf })).status, 403, 'cross-site fetch');
  t.is(await csrfRefusals(), before + 5);
  const ok = await post('/api/playground/evaluate', body, { origin, 'x-warden-csrf': csrf });
  t.is(ok.status, 200, ok.body);
  t.deepEqual(JSON.parse(ok.body).value, true);
  const viaFetchMetadata = await post('/api/playground/evaluate', body, { 'sec-fetch-site': 'same-origin', 'x-warden-csrf': csrf });
  t.is(viaFetchMetadata.status, 200);
});

async function csrfRefusals(): Promise<number> {
  const text = await (await fetch(fixture.server.metricsUrl!)).text();
  return Number(/^warden_console_csrf_refusals_total (\d+)/m.exec(text)?.[1] ?? 0);
}

test.serial('the playground marks compile errors at file:line:col', async (t) => {
  const source = 'package x\n\nallow if {\n  input.a ==\n}\n';
  const answer = await post('/api/playground/evaluate', { modules: [{ path: 'broken.rego', source }], entrypoint: 'x/allow' }, { origin, 'x-warden-csrf': csrf });
  t.is(answer.status, 200, answer.body);
  const result = JSON.parse(answer.body) as { ok: boolean; errors: Array<{ file: string; line: number; col: number; code: string }> };
  t.false(result.ok);
  t.is(result.errors[0]!.file, 'broken.rego');
  t.true(result.errors[0]!.line >= 4 && result.errors[0]!.line <= 5, JSON.stringify(result.errors));
  t.is(result.errors[0]!.code, 'rego_parse_error');
  const bad = await post('/api/playground/evaluate', { modules: 'nope' }, { origin, 'x-warden-csrf': csrf });
  t.is(bad.status, 400);
  t.regex(JSON.parse(bad.body).error, /modules/);
});

test.serial('the playground runs the tests with warden test\'s runner', async (t) => {
  const source = 'package x\n\nallow if input.ok\n\ntest_allowed if allow with input as {"ok": true}\n\ntest_wrong if allow with input as {"ok": false}\n';
  const answer = await post('/api/playground/test', { modules: [{ path: 'x.rego', source }] }, { origin, 'x-warden-csrf': csrf });
  t.is(answer.status, 200, answer.body);
  const results = JSON.parse(answer.body).value as Array<{ name: string; outcome: string }>;
  t.deepEqual(results.map((r) => [r.name, r.outcome]).sort(), [['data.x.test_allowed', 'pass'], ['data.x.test_wrong', 'fail']]);
});

test.serial('decisions: a check is listed, found by id, streamed, filtered and counted in the graph', async (t) => {
  const stream = new AbortController();
  const streamed: string[] = [];
  const reading = (async () => {
    const res = await fetchWithCa(`${base}/api/decisions/stream?result=denied`, stream.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      streamed.push(decoder.decode(value));
    }
  })().catch(() => undefined);
  const allowed = await check('read', 'orders');
  const denied = await check('delete', 'orders', '/<img src=x>');
  t.true(allowed.allowed);
  t.false(denied.allowed);
  const one = await waitForAnswer(`/api/decisions/${denied.decision_id}`);
  t.is(JSON.parse(one.body).decision_id, denied.decision_id);
  t.is(JSON.parse(one.body).resource.path, '/<img src=x>');
  const deniedOnly = JSON.parse((await get('/api/decisions?result=denied')).body).decisions as Array<{ decision_id: string }>;
  t.true(deniedOnly.some((d) => d.decision_id === denied.decision_id));
  t.false(deniedOnly.some((d) => d.decision_id === allowed.decision_id));
  const graph = JSON.parse((await get('/api/graph?window=5m')).body) as { edges: Array<{ caller: string; service: string; allowed: number; denied: number }> };
  const edge = graph.edges.find((e) => e.caller === 'spiffe://example.org/ns/shop/sa/frontend' && e.service === 'orders');
  t.truthy(edge);
  t.true(edge!.allowed >= 1 && edge!.denied >= 1);
  t.is((await get('/api/graph?window=7y')).status, 400);
  t.is((await get('/api/decisions/no-such-id')).status, 404);
  const end = Date.now() + 5000;
  while (!streamed.join('').includes(denied.decision_id) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  stream.abort();
  await reading;
  const text = streamed.join('');
  t.true(text.includes(denied.decision_id), 'the denied check streamed');
  t.false(text.includes(allowed.decision_id), 'the filter kept the allowed one out');
});

async function waitForAnswer(path: string): Promise<ConsoleAnswer> {
  const end = Date.now() + 5000;
  for (;;) {
    const answer = await get(path);
    if (answer.status === 200 || Date.now() > end) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** fetch() cannot be given a CA: the stream is read through node:https instead. */
async function fetchWithCa(url: string, signal: AbortSignal): Promise<Response> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: fixture.ca.cert, servername: 'localhost', headers: { cookie }, signal }, (res) => {
      resolve(new Response(new ReadableStream({ start(controller) { res.on('data', (d: Buffer) => controller.enqueue(new Uint8Array(d))); res.on('end', () => controller.close()); res.on('error', (e) => controller.error(e)); } }), { status: res.statusCode }));
    });
    req.on('error', reject);
    req.end();
  });
}

test.serial('revision, protection, shadow and advice answer JSON', async (t) => {
  const revision = JSON.parse((await get('/api/revision')).body);
  t.is(revision.id, fixture.server.engine.revision!.id);
  t.is(revision.signature, 'unsigned');
  t.is(revision.origin, 'directory');
  const protection = JSON.parse((await get('/api/protection')).body);
  t.deepEqual(Object.keys(protection).sort(), ['alerts', 'alertsRaised', 'bans', 'bansActive', 'rateLimited', 'recentHits']);
  t.deepEqual(JSON.parse((await get('/api/shadow')).body), { enabled: false });
  const advice = await get('/api/advice');
  t.is(advice.status, 200);
});

test.serial('log out ends the session; a GET cannot log out', async (t) => {
  const admin = fixture.ca.issue({ cn: 'alice', uris: [ADMIN] });
  const login = await consoleRequest(`${base}/api/session`, fixture.ca.cert, { cert: admin });
  const own = sessionCookieOf(login);
  const token = JSON.parse(login.body).csrfToken as string;
  t.is((await consoleRequest(`${base}/logout`, fixture.ca.cert, { headers: { cookie: own } })).status, 404);
  const out = await consoleRequest(`${base}/logout`, fixture.ca.cert, { method: 'POST', headers: { cookie: own, origin, 'x-warden-csrf': token } });
  t.is(out.status, 200);
  t.regex(String(out.headers['set-cookie']), /Max-Age=0/);
  t.is((await consoleRequest(`${base}/api/session`, fixture.ca.cert, { headers: { cookie: own } })).status, 401);
});

