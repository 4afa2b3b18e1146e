import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { status, type ServiceError } from '@grpc/grpc-js';
import { RemoteWarden, wardenInterceptor, wardenMiddleware, type RemoteWardenOptions } from '../../src/index.js';
import { startFixture, type Fixture } from '../server/helpers/fixture.js';
import { createCa } from '../server/helpers/pki.js';
import { ECHO_METHOD, startEchoServer } from './helpers/echo-server.js';
import { httpsRequest } from './helpers/https-client.js';
import { BILLING, WEB } from './helpers/policy-dir.js';

/** The service that embeds the interceptor, as Warden knows it (the requester of its checks). */
const SERVICE = 'spiffe://example.org/ns/shop/sa/echo';
const callerCa = createCa('Callers CA');

let fixture: Fixture;
test.before(async () => {
  fixture = await startFixture({ grants: { [WEB]: { [ECHO_METHOD]: true, GET: true } } });
});
test.after.always(async () => {
  await fixture?.close();
});

/** A deadline a loaded CI machine meets (the first check also makes the connection); the deadline test sets its own. */
function remoteOptions(address = fixture.server.address, timeoutMs = 30_000): RemoteWardenOptions {
  const leaf = fixture.ca.issue({ cn: 'echo', uris: [SERVICE] });
  return { address, tls: { cert: leaf.cert, key: leaf.key, ca: fixture.ca.cert }, serverName: 'localhost', timeoutMs };
}

test('the interceptor asks a remote Warden: allowed calls reach the handler, denied ones get its decision id', async (t) => {
  const interceptor = wardenInterceptor({ remote: remoteOptions() });
  const echo = await startEchoServer(callerCa, [interceptor]);
  t.teardown(async () => {
    await echo.close();
    interceptor.close();
  });
  const { response } = await echo.client(WEB).echo(Buffer.from('hi'));
  t.is(response.toString(), 'hi');
  const error = await t.throwsAsync<ServiceError>(echo.client(BILLING).echo(Buffer.from('hi')));
  t.is(error.code, status.PERMISSION_DENIED);
  t.is(echo.handled, 1);
  const decisionId = error.metadata.get('x-warden-decision-id')[0] as string;
  // Warden logged the decision under the id the caller was given: the service asked, about the caller.
  const records = await fixture.decisions(2, decisionId);
  const denied = records.find((r) => r.decision_id === decisionId)!;
  t.like(denied, { api: 'authorizer', allowed: false, action: ECHO_METHOD, resource: { service: 'test.Echo', path: ECHO_METHOD, attributes: {} } });
  t.like(denied.subject as object, { id: BILLING, authenticated_by: 'requester' });
  t.like(denied.requester as object, { id: SERVICE, authenticated_by: 'mtls' });
});

test('the service option names resource.service instead of the gRPC service', async (t) => {
  const interceptor = wardenInterceptor({ remote: remoteOptions(), service: 'echo' });
  const echo = await startEchoServer(callerCa, [interceptor]);
  t.teardown(async () => {
    await echo.close();
    interceptor.close();
  });
  const error = await t.throwsAsync<ServiceError>(echo.client(BILLING).echo(Buffer.from('hi')));
  const decisionId = error.metadata.get('x-warden-decision-id')[0] as string;
  const records = await fixture.decisions(1, decisionId);
  t.like(records.find((r) => r.decision_id === decisionId), { resource: { service: 'echo', path: ECHO_METHOD } });
  t.throws(() => wardenInterceptor({ remote: remoteOptions(), service: '' }), { message: /service must be a non-empty string/ });
});

test('the middleware asks a remote Warden', async (t) => {
  const guard = wardenMiddleware({ remote: remoteOptions(), service: 'orders' });
  const cert = callerCa.issue({ cn: 'orders', dns: ['localhost'], ips: ['127.0.0.1'] });
  const server = createHttpsServer({ key: cert.key, cert: cert.cert, ca: callerCa.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => void guard(req, res, () => res.end('handled')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await new Promise((resolve) => server.close(resolve));
    guard.close();
  });
  const port = (server.address() as AddressInfo).port;
  const as = (id: string) => {
    const leaf = callerCa.issue({ cn: 'caller', uris: [id] });
    return { ca: callerCa.cert, cert: leaf.cert, key: leaf.key };
  };
  t.is((await httpsRequest(port, { path: '/orders/1', ...as(WEB) })).body, 'handled');
  const denied = await httpsRequest(port, { method: 'POST', path: '/orders/1', ...as(WEB) });
  t.is(denied.status, 403);
  t.truthy(denied.headers['x-warden-decision-id']);
});

test('a remote Warden that is not there denies at once', async (t) => {
  // A port that was just free: nothing listens on it.
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const remote = new RemoteWarden(remoteOptions(`127.0.0.1:${port}`));
  t.teardown(() => remote.close());
  const result = await remote.check({ caller: { id: WEB, authenticated_by: 'mtls' }, action: 'GET', service: 'orders', path: '/', sourceIp: '127.0.0.1' });
  t.false(result.allowed);
  t.regex(result.reasons[0]!, /^remote Warden check failed: UNAVAILABLE/);
});

test('a remote Warden that never answers is a deny at the deadline, and the handler never runs', async (t) => {
  // Accepts connections and says nothing: the TLS handshake never completes.
  const sockets: Socket[] = [];
  const silent: TcpServer = createTcpServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const interceptor = wardenInterceptor({ remote: remoteOptions(`127.0.0.1:${(silent.address() as AddressInfo).port}`, 300), exposeReasons: true });
  const echo = await startEchoServer(callerCa, [interceptor]);
  t.teardown(async () => {
    await echo.close();
    interceptor.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
  const error = await t.throwsAsync<ServiceError>(echo.client(WEB).echo(Buffer.from('x'), 20_000));
  t.is(error.code, status.PERMISSION_DENIED);
  t.regex(error.details, /remote Warden check failed: DEADLINE_EXCEEDED/);
  t.is(echo.handled, 0);
});

test('remote options are checked', (t) => {
  t.throws(() => new RemoteWarden({ address: 'nowhere', tls: { cert: 'a', key: 'b', ca: 'c' } }), { message: /remote\.address must be host:port/ });
  t.throws(() => new RemoteWarden({ address: '127.0.0.1:1', tls: { cert: '/no/such/file.pem', key: 'b', ca: 'c' } }), { message: /remote\.tls\.\w+: cannot read/ });
});
