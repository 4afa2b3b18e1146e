import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { issueDevCertificate } from '../../src/devca/dev-ca.js';
import { servingFolder, startServe } from '../helpers/serve-process.js';

test('serve keeps tls.minVersion from --config when the certificate files come from flags (--dev)', async (t) => {
  const dir = servingFolder('warden-serve-tls-');
  writeFileSync(join(dir, 'warden.json'), JSON.stringify({ tls: { minVersion: 'TLSv1.2' } }));
  const server = startServe(dir, ['--config', 'warden.json', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => server.kill('SIGTERM'));
  const port = Number((await server.serving()).split(':').pop());
  const caDir = join(dir, '.warden');
  const leaf = issueDevCertificate(caDir, 'spiffe://warden.local/ns/shop/sa/frontend');
  const protocol = await new Promise<string | null>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(join(caDir, 'ca.pem')), cert: leaf.cert, key: leaf.key, ALPNProtocols: ['h2'], maxVersion: 'TLSv1.2' });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol());
      socket.destroy();
    });
    socket.once('error', reject);
  });
  t.is(protocol, 'TLSv1.2');
});
