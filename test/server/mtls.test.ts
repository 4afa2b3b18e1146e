import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, startFixture, unary, type Fixture } from './helpers/fixture.js';
import { createCa } from './helpers/pki.js';

let fx: Fixture;
test.before(async () => {
  fx = await startFixture();
});
test.after.always(async () => {
  await fx?.close();
});

const ctor = (c: grpc.Client) => c.constructor as unknown as new (address: string, creds: grpc.ChannelCredentials, options: object) => grpc.Client;

async function evaluatedCount(): Promise<number> {
  const text = await fx.server.metrics.registry.getSingleMetricAsString('warden_decisions_total');
  return [...text.matchAll(/ (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

test.serial('a client without a certificate fails the handshake; nothing is evaluated', async (t) => {
  const before = await evaluatedCount();
  const ref = fx.clients();
  const noCert = new (ctor(ref.authz))(fx.server.address, grpc.credentials.createSsl(Buffer.from(fx.ca.cert)), CHANNEL_OPTIONS);
  const err = await t.throwsAsync<grpc.ServiceError>(unary(noCert, 'Check', { action: 'read' }, { deadline: Date.now() + 3000 }));
  t.true([grpc.status.UNAVAILABLE, grpc.status.UNAUTHENTICATED, grpc.status.DEADLINE_EXCEEDED].includes(err!.code));
  noCert.close();
  ref.close();
  t.is(await evaluatedCount(), before);
});

async function certificateHandshakeFailures(): Promise<number> {
  return (await fx.server.metrics.handshakeFailures.get()).values.find((v) => v.labels.reason === 'certificate')?.value ?? 0;
}

test.serial('a certificate from another CA fails the handshake, counted by reason', async (t) => {
  const before = await evaluatedCount();
  const failuresBefore = await certificateHandshakeFailures();
  const other = createCa('Other CA');
  const c = fx.clients('spiffe://example.org/ns/shop/sa/frontend', { ca: other });
  const err = await t.throwsAsync<grpc.ServiceError>(unary(c.authz, 'Check', { action: 'read' }, { deadline: Date.now() + 3000 }));
  t.true([grpc.status.UNAVAILABLE, grpc.status.UNAUTHENTICATED, grpc.status.DEADLINE_EXCEEDED].includes(err!.code));
  c.close();
  t.is(await evaluatedCount(), before);
  // The server may see its side of the failed handshake after the client has given up.
  for (const end = Date.now() + 5000; (await certificateHandshakeFailures()) === failuresBefore && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  t.true((await certificateHandshakeFailures()) > failuresBefore);
});

test.serial('a trusted certificate without a SPIFFE ID gets UNAUTHENTICATED', async (t) => {
  const before = await evaluatedCount();
  const c = fx.clients(null);
  const err = await t.throwsAsync<grpc.ServiceError>(unary(c.authz, 'Check', { action: 'read' }));
  t.is(err!.code, grpc.status.UNAUTHENTICATED);
  t.regex(err!.details, /no spiffe:\/\/ URI SAN/);
  const envoyErr = await t.throwsAsync<grpc.ServiceError>(unary(c.envoy, 'Check', { attributes: { request: { http: { method: 'GET', path: '/' } } } }));
  t.is(envoyErr!.code, grpc.status.UNAUTHENTICATED);
  c.close();
  t.is(await evaluatedCount(), before);
});

test.serial('a certificate with two SPIFFE IDs gets UNAUTHENTICATED', async (t) => {
  const cert = fx.ca.issue({ cn: 'two', uris: ['spiffe://example.org/a', 'spiffe://example.org/b'] });
  const c = fx.clients(undefined, { cert });
  const err = await t.throwsAsync<grpc.ServiceError>(unary(c.authz, 'Check', { action: 'read' }));
  t.is(err!.code, grpc.status.UNAUTHENTICATED);
  c.close();
});

test.serial('the requester identity comes from the certificate, with namespace and service account', async (t) => {
  const c = fx.clients('spiffe://example.org/ns/shop/sa/frontend');
  const res = await unary<{ allowed: boolean; decision_id: string }>(c.authz, 'Check', { action: 'read', resource: { service: 'mtls-id-test' } });
  t.true(res.allowed);
  const lines = await fx.decisions(1, res.decision_id);
  const line = lines.find((l) => l.decision_id === res.decision_id);
  t.deepEqual(line?.requester, {
    id: 'spiffe://example.org/ns/shop/sa/frontend',
    trust_domain: 'example.org',
    namespace: 'shop',
    service_account: 'frontend',
    authenticated_by: 'mtls',
  });
  t.deepEqual(line?.subject, line?.requester);
  t.deepEqual(line?.source, { ip: '127.0.0.1' });
  c.close();
});

test.serial('a CA certificate (CA:TRUE) issued by the trusted CA is not accepted as an identity', async (t) => {
  const before = await evaluatedCount();
  const cert = fx.ca.issue({ cn: 'sub-ca', uris: ['spiffe://example.org/ns/shop/sa/frontend'], ca: true });
  const c = fx.clients(undefined, { cert });
  const err = await t.throwsAsync<grpc.ServiceError>(unary(c.authz, 'Check', { action: 'read' }));
  t.is(err!.code, grpc.status.UNAUTHENTICATED);
  t.regex(err!.details, /CA certificate \(CA:TRUE\)/);
  c.close();
  t.is(await evaluatedCount(), before);
});

test.serial('a certificate that expires on a live connection is refused on that connection, which is closed', async (t) => {
  const closedBefore = (await fx.server.metrics.connectionsClosed.get()).values.find((v) => v.labels.reason === 'certificate_expired')?.value ?? 0;
  // X.509 times have whole seconds: expire on a second boundary about 2 s from now.
  const notAfter = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
  const cert = fx.ca.issue({ cn: 'short-lived', uris: ['spiffe://example.org/ns/shop/sa/frontend'], notAfter });
  const c = fx.clients(undefined, { cert });
  t.like(await unary(c.authz, 'Check', { action: 'read', resource: { service: 'expiry' } }), { allowed: true });
  t.like(await unary(c.authz, 'Check', { action: 'read', resource: { service: 'expiry' } }), { allowed: true, cached: true });
  await new Promise((r) => setTimeout(r, notAfter.getTime() - Date.now() + 50));
  const err = await t.throwsAsync<grpc.ServiceError>(unary(c.authz, 'Check', { action: 'read', resource: { service: 'expiry' } }));
  t.is(err!.code, grpc.status.UNAUTHENTICATED, 'the same channel, the same (cached) request: refused now');
  t.regex(err!.details, /not valid now/);
  const closed = (await fx.server.metrics.connectionsClosed.get()).values.find((v) => v.labels.reason === 'certificate_expired')?.value ?? 0;
  t.is(closed, closedBefore + 1);
  // The connection is gone; a new one cannot be made with the expired certificate.
  const again = await t.throwsAsync<grpc.ServiceError>(unary(c.authz, 'Check', { action: 'read' }, { deadline: Date.now() + 2000 }));
  t.not(again!.code, grpc.status.OK);
  c.close();
});
