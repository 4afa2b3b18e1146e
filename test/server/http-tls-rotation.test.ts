import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { startFixture } from './helpers/fixture.js';
import { fetchReply, FORWARD_AUTH_POLICY, FRONTEND, regoCompiler } from './helpers/forward-auth.js';
import { createCa } from './helpers/pki.js';

/** The fingerprint of the certificate the HTTP listener presents on a new connection. */
function servedFingerprint(address: string, client: { cert: string; key: string; ca: string }): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: 'localhost', ...client }, () => {
      resolve(new X509Certificate(socket.getPeerCertificate().raw).fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

test('the HTTP listener serves the rotated server certificate, and a client CA rotation refuses proxies it no longer trusts', async (t) => {
  const fx = await startFixture({ policyFiles: { 'authz.rego': FORWARD_AUTH_POLICY }, config: { compiler: regoCompiler, http: '127.0.0.1:0' } });
  t.teardown(() => fx.close());
  const proxy = fx.ca.issue({ cn: 'proxy', uris: ['spiffe://example.org/ns/mesh/sa/ingress'] });
  const client = { ...proxy, ca: fx.ca.cert };
  const address = fx.server.httpAddress!;
  t.is(await servedFingerprint(address, client), new X509Certificate(fx.serverCert.cert).fingerprint256);

  // A new server certificate from the same CA: served on new connections after the reload.
  const renewed = fx.ca.issue({ cn: 'warden-renewed', dns: ['localhost'], ips: ['127.0.0.1'] });
  writeFileSync(join(fx.dir, 'server.pem'), renewed.cert);
  writeFileSync(join(fx.dir, 'server-key.pem'), renewed.key);
  await fx.server.reloadAll();
  t.is(await servedFingerprint(address, client), new X509Certificate(renewed.cert).fingerprint256);

  // A kept-alive connection of a proxy whose CA is rotated out: its next request is refused (403, closed).
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ...client, servername: 'localhost' });
  t.teardown(() => agent.destroy());
  const ask = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(`https://${address}/authz`, { agent, headers: { 'x-original-uri': '/orders/1', 'x-warden-service': 'orders', 'x-client-cert': encodeURIComponent(fx.ca.issue({ cn: 'f', uris: [FRONTEND] }).cert) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  t.is(await ask(), 200);
  const other = createCa('Another client CA');
  writeFileSync(join(fx.dir, 'ca.pem'), other.cert);
  await fx.server.reloadAll();
  t.is(await ask(), 403);
  await t.throwsAsync(fetchReply(`https://${address}/authz`, { tls: client }), undefined, 'a new connection fails its handshake');
});
