import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { Server as NetServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { IdentityError } from '../../src/identity/index.js';
import { ServiceError } from '../../src/server/index.js';
import { ClientTrust } from '../../src/server/client-trust.js';
import { recheckConnection, type ConnectionIdentity } from '../../src/server/connection-identity.js';
import { http2ServersOf } from '../../src/server/connection-guard.js';
import { createCa } from './helpers/pki.js';

test('grpc-js keeps its listening HTTP/2 servers where the guard looks (private http2Servers)', async (t) => {
  const server = new grpc.Server();
  t.teardown(() => server.forceShutdown());
  await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const servers = http2ServersOf(server);
  t.is(servers.length, 1);
  t.true(servers[0] instanceof NetServer);
  t.true(servers[0]!.listening);
});

test('without grpc-js internals the guard refuses to start rather than serve without limits', (t) => {
  const err = t.throws(() => http2ServersOf({} as grpc.Server), { instanceOf: ServiceError });
  t.is((err as ServiceError).code, 'internal');
});

const a = createCa('Trust A');
const b = createCa('Trust B');
const caA = new X509Certificate(a.cert);
const caB = new X509Certificate(b.cert);
const leafA = new X509Certificate(a.issue({ cn: 'leaf', uris: ['spiffe://example.org/x'] }).cert);

function identity(chain: X509Certificate[], notBefore = Date.now() - 1000, notAfter = Date.now() + 60_000): ConnectionIdentity {
  return {
    requester: { id: 'spiffe://example.org/x', trust_domain: 'example.org', authenticated_by: 'mtls' },
    sourceIp: '127.0.0.1',
    key: '',
    notBefore,
    notAfter,
    chain,
    trustGeneration: -1,
  };
}

test('ClientTrust anchors a chain by its root or by a signature, and counts rotations', (t) => {
  const trust = new ClientTrust([caA]);
  t.true(trust.anchors([leafA, caA]), 'the root is in the set');
  t.true(trust.anchors([leafA]), 'the leaf was signed by a CA in the set');
  t.false(new ClientTrust([caB]).anchors([leafA, caA]));
  let rotations = 0;
  trust.onRotate(() => rotations++);
  t.false(trust.replace([caA]), 'the same set is no rotation');
  t.is(trust.generation, 0);
  t.true(trust.replace([caB]));
  t.is(trust.generation, 1);
  t.is(rotations, 1);
});

test('every call re-checks the validity window, whatever the cache holds', (t) => {
  const now = Date.now();
  recheckConnection(identity([leafA], now - 1000, now + 1000), undefined, now);
  const expired = t.throws(() => recheckConnection(identity([leafA], now - 1000, now + 1000), undefined, now + 1000), { instanceOf: IdentityError });
  t.is((expired as IdentityError).code, 'identity_certificate_expired');
  const early = t.throws(() => recheckConnection(identity([leafA], now + 1000, now + 2000), undefined, now), { instanceOf: IdentityError });
  t.is((early as IdentityError).code, 'identity_certificate_expired');
  const unreadable = t.throws(() => recheckConnection(identity([leafA], Number.NaN, Number.NaN), undefined, now), { instanceOf: IdentityError });
  t.regex(unreadable!.message, /unreadable date/);
});

test('after a client CA rotation a connection is re-anchored once, and refused when it no longer chains', (t) => {
  const trust = new ClientTrust([caA]);
  const id = identity([leafA, caA]);
  recheckConnection(id, trust, Date.now());
  t.is(id.trustGeneration, 0);
  trust.replace([caA, caB]);
  recheckConnection(id, trust, Date.now());
  t.is(id.trustGeneration, 1, 'still anchored: checked once for this generation');
  trust.replace([caB]);
  const err = t.throws(() => recheckConnection(id, trust, Date.now()), { instanceOf: IdentityError });
  t.is((err as IdentityError).code, 'identity_certificate_untrusted');
});
