import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import type { DecisionRecord } from '../../src/audit/index.js';
import { createAuthorizer, wardenMiddleware, type Authorizer } from '../../src/index.js';
import { createCa } from '../server/helpers/pki.js';
import { httpsRequest } from './helpers/https-client.js';
import { BILLING, policyDir, WEB } from './helpers/policy-dir.js';
import { memoryLogger } from './helpers/silent-logger.js';

const ca = createCa();
const serverCert = ca.issue({ cn: 'orders', dns: ['localhost'], ips: ['127.0.0.1'] });
const client = (spiffeId: string | null) => {
  const leaf = ca.issue({ cn: 'caller', uris: spiffeId ? [spiffeId] : [] });
  return { ca: ca.cert, cert: leaf.cert, key: leaf.key };
};

interface Setup {
  port: number;
  handled: string[];
  records: DecisionRecord[];
  authorizer: Authorizer;
}

/** An HTTPS server whose every request goes through the middleware before its handler. */
async function setup(t: import('ava').ExecutionContext, options: { exposeReasons?: boolean; rejectUnauthorized?: boolean } = {}): Promise<Setup> {
  const records: DecisionRecord[] = [];
  const authorizer = await createAuthorizer({ policies: policyDir({ [WEB]: ['GET'] }), watch: false, decisionLog: (r) => records.push(r), logger: memoryLogger().logger, budgetMs: 5_000 });
  const guard = wardenMiddleware({ authorizer, service: 'orders', exposeReasons: options.exposeReasons });
  const handled: string[] = [];
  const server: Server = createServer({ key: serverCert.key, cert: serverCert.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: options.rejectUnauthorized ?? false }, (req, res) =>
    guard(req, res, () => {
      handled.push(`${req.method} ${req.url}`);
      res.end('handled');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await new Promise((resolve) => server.close(resolve));
    await authorizer.close();
  });
  return { port: (server.address() as AddressInfo).port, handled, records, authorizer };
}

test('an allowed request reaches the handler; method is the action, the path without query the resource', async (t) => {
  const { port, handled, records } = await setup(t);
  const answer = await httpsRequest(port, { path: '/orders/42?expand=items', ...client(WEB) });
  t.is(answer.status, 200);
  t.is(answer.body, 'handled');
  t.deepEqual(handled, ['GET /orders/42?expand=items']);
  t.like(records[0], { api: 'inprocess', allowed: true, action: 'GET', resource: { service: 'orders', path: '/orders/42', attributes: {} } });
  t.like(records[0]!.subject as object, { id: WEB, authenticated_by: 'mtls' });
});

test('a denied request gets 403 with a short JSON body and the decision id, and the handler never runs', async (t) => {
  const { port, handled, records } = await setup(t);
  const wrongMethod = await httpsRequest(port, { method: 'DELETE', path: '/orders/42', ...client(WEB) });
  const wrongCaller = await httpsRequest(port, { path: '/orders/42', ...client(BILLING) });
  for (const answer of [wrongMethod, wrongCaller]) {
    t.is(answer.status, 403);
    t.is(answer.headers['content-type'], 'application/json');
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    t.deepEqual(Object.keys(body).sort(), ['decision_id', 'error']);
    t.is(body.error, 'permission_denied');
    t.is(answer.headers['x-warden-decision-id'], body.decision_id as string);
  }
  t.deepEqual(handled, []);
  t.deepEqual(records.map((r) => [r.allowed, r.action]), [[false, 'DELETE'], [false, 'GET']]);
});

test('no client certificate, or one without a SPIFFE ID, gets 401 and no decision', async (t) => {
  const { port, handled, records } = await setup(t);
  const none = await httpsRequest(port, { ca: ca.cert });
  t.is(none.status, 401);
  t.like(JSON.parse(none.body), { error: 'unauthenticated' });
  t.regex(JSON.parse(none.body).message as string, /not verified/);
  const noSpiffe = await httpsRequest(port, client(null));
  t.is(noSpiffe.status, 401);
  t.regex(JSON.parse(noSpiffe.body).message as string, /no spiffe:\/\/ URI SAN/);
  const foreign = createCa('Another CA').issue({ cn: 'stranger', uris: [WEB] });
  const untrusted = await httpsRequest(port, { ca: ca.cert, cert: foreign.cert, key: foreign.key });
  t.is(untrusted.status, 401);
  t.deepEqual(handled, []);
  t.is(records.length, 0);
});

test('exposeReasons adds the reasons to the 403 body', async (t) => {
  const { port } = await setup(t, { exposeReasons: true });
  const answer = await httpsRequest(port, { method: 'POST', ...client(WEB) });
  t.deepEqual(JSON.parse(answer.body).reasons, ['not granted']);
});

test('without next, the return value says whether the request may go on', async (t) => {
  const { authorizer } = await setup(t);
  const guard = wardenMiddleware({ authorizer, service: 'orders' });
  // Not a TLS socket: refused, answered 401.
  const sent: Array<[number, string]> = [];
  const res = { headersSent: false, statusCode: 0, setHeader: () => undefined, end(text: string) { sent.push([this.statusCode, text]); } };
  const allowed = guard({ socket: {}, method: 'GET', url: '/' } as never, res as never);
  t.false(allowed);
  t.is(sent[0]![0], 401);
  t.throws(() => wardenMiddleware({ authorizer, service: '' }), { message: /service must name this service/ });
});
