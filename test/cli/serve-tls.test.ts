import test from 'ava';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { issueDevCertificate } from '../../src/devca/dev-ca.js';

const main = join(process.cwd(), 'src/cli/main.ts');
const tsx = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href;

test('serve keeps tls.minVersion from --config when the certificate files come from flags (--dev)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-serve-tls-'));
  cpSync(join(process.cwd(), 'policies'), join(dir, 'policies'), { recursive: true });
  writeFileSync(join(dir, 'warden.json'), JSON.stringify({ tls: { minVersion: 'TLSv1.2' } }));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(process.execPath, ['--import', tsx, main, 'serve', '--dev', '--config', 'warden.json', '--listen', `127.0.0.1:${port}`, '--metrics', `127.0.0.1:${port + 1}`], { cwd: dir });
  t.teardown(() => server.kill('SIGTERM'));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    server.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('serving on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
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
