import test from 'ava';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { IdentityError } from '../../src/identity/index.js';
import { connectionIdentity, sessionOf, type ConnectionIdentity } from '../../src/server/connection-identity.js';
import { createCa } from './helpers/pki.js';

// connectionIdentity reaches the HTTP/2 session through grpc-js's private fields, to identify a
// connection once rather than on every call. A grpc-js upgrade that renames them must fail here,
// not quietly in production.

const CLIENT = 'spiffe://example.org/ns/shop/sa/frontend';
const ca = createCa();
const serverCert = ca.issue({ cn: 'localhost', dns: ['localhost'] });
const clientCert = ca.issue({ cn: 'frontend', uris: [CLIENT] });

interface Seen {
  session: boolean;
  sessionPeer: string | undefined;
  identity: ConnectionIdentity;
}

const service: grpc.ServiceDefinition = {
  Echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (v: Buffer) => v,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (v: Buffer) => v,
    responseDeserialize: (b: Buffer) => b,
  },
};

async function withServer(run: (call: () => Promise<void>, seen: Seen[]) => Promise<void>): Promise<void> {
  const seen: Seen[] = [];
  const server = new grpc.Server();
  server.addService(service, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const session = sessionOf(call);
      const socket = session?.socket as { getPeerCertificate?: (detailed: boolean) => { raw?: Buffer } } | undefined;
      const raw = socket?.getPeerCertificate?.(true)?.raw;
      seen.push({ session: session !== undefined, sessionPeer: raw ? new X509Certificate(raw).subjectAltName : undefined, identity: connectionIdentity(call) });
      callback(null, call.request);
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(Buffer.from(ca.cert), [{ private_key: Buffer.from(serverCert.key), cert_chain: Buffer.from(serverCert.cert) }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(ca.cert), Buffer.from(clientCert.key), Buffer.from(clientCert.cert)), {
    'grpc.ssl_target_name_override': 'localhost',
  });
  const call = () =>
    new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest('/test.Echo/Echo', (v: Buffer) => v, (b: Buffer) => b, Buffer.from('hi'), (e) => (e ? reject(e) : resolve())),
    );
  try {
    await run(call, seen);
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}

test('over a real grpc-js server and TLS client, the session is found through the private fields and holds the peer certificate', async (t) => {
  await withServer(async (call, seen) => {
    await call();
    await call();
    t.is(seen.length, 2);
    for (const s of seen) {
      t.true(s.session, 'grpc-js no longer has call.call…stream.session: update sessionOf');
      t.is(s.sessionPeer, `URI:${CLIENT}`);
      t.is(s.identity.requester.id, CLIENT);
      t.true(s.identity.chain.length >= 1);
    }
    // Identified once per connection: the second call on it got the same identity.
    t.is(seen[0]!.identity, seen[1]!.identity);
  });
});

/** A call without grpc-js's private fields, as after an upgrade that renamed them. */
function callWithout(cert: { raw: Buffer } | undefined): grpc.ServerUnaryCall<unknown, unknown> {
  return { getAuthContext: () => ({ transportSecurityType: 'ssl', sslPeerCertificate: cert }), getPeer: () => '10.0.0.1:5000' } as unknown as grpc.ServerUnaryCall<unknown, unknown>;
}

test('without the private fields a call is still identified from its own certificate, and without one it is refused (fail closed)', (t) => {
  const raw = new X509Certificate(clientCert.cert).raw;
  t.is(sessionOf(callWithout({ raw })), undefined);
  const identity = connectionIdentity(callWithout({ raw, ...({ subjectaltname: `URI:${CLIENT}` } as object) }));
  t.is(identity.requester.id, CLIENT);
  const error = t.throws(() => connectionIdentity(callWithout(undefined)));
  t.true(error instanceof IdentityError);
});
