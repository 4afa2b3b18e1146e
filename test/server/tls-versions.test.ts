import test from 'ava';
import { connect, type ConnectionOptions } from 'node:tls';
import { startFixture, type Fixture } from './helpers/fixture.js';

/** Completes a TLS handshake with a client certificate from the fixture's CA; resolves to the protocol and cipher. */
function handshake(fx: Fixture, options: ConnectionOptions): Promise<{ protocol: string | null; cipher: string }> {
  const leaf = fx.ca.issue({ cn: 'client', uris: ['spiffe://example.org/ns/shop/sa/frontend'] });
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: fx.server.port, servername: 'localhost', ca: fx.ca.cert, cert: leaf.cert, key: leaf.key, ALPNProtocols: ['h2'], ...options });
    socket.once('secureConnect', () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.destroy();
      resolve(result);
    });
    socket.once('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('handshake did not finish')));
  });
}

async function handshakeFailures(fx: Fixture, reason: string): Promise<number> {
  return (await fx.server.metrics.handshakeFailures.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

test('by default only TLS 1.3 is served: a TLS 1.2 client fails the handshake', async (t) => {
  const fx = await startFixture();
  t.teardown(() => fx.close());
  t.like(await handshake(fx, {}), { protocol: 'TLSv1.3' });
  await t.throwsAsync(handshake(fx, { maxVersion: 'TLSv1.2' }), { message: /protocol version|unsupported protocol/i });
  t.is(await handshakeFailures(fx, 'protocol'), 1);
});

test('with tls.minVersion TLSv1.2, TLS 1.2 is served with ECDHE AEAD suites only', async (t) => {
  const fx = await startFixture({ tls: { minVersion: 'TLSv1.2' } });
  t.teardown(() => fx.close());
  t.like(await handshake(fx, { maxVersion: 'TLSv1.2' }), { protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
  t.like(await handshake(fx, {}), { protocol: 'TLSv1.3' });
  // Static-RSA and CBC suites, all of which HTTP/2 forbids.
  for (const cipher of ['AES128-SHA', 'AES256-SHA256', 'AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA256']) {
    await t.throwsAsync(handshake(fx, { maxVersion: 'TLSv1.2', ciphers: cipher }), undefined, `${cipher} is refused`);
  }
  t.is(await handshakeFailures(fx, 'protocol'), 5);
});
