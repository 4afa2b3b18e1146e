import test from 'ava';
import { spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const TSX = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href;
const DEV_CA = pathToFileURL(join(process.cwd(), 'src/devca/dev-ca.ts')).href;

function ensureInChild(dir: string): Promise<number | null> {
  const script = `import { ensureDevCa } from ${JSON.stringify(DEV_CA)}; ensureDevCa(${JSON.stringify(join(dir, '.warden'))});`;
  const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('close', resolve));
}

test('processes creating the dev CA at once end with one CA whose key signed the server certificate', async (t) => {
  const dir = temporaryDirectory('warden-devca-');
  const codes = await Promise.all([1, 2, 3, 4].map(() => ensureInChild(dir)));
  t.deepEqual(codes, [0, 0, 0, 0]);
  const folder = join(dir, '.warden');
  const ca = new X509Certificate(readFileSync(join(folder, 'ca.pem')));
  const server = new X509Certificate(readFileSync(join(folder, 'server.pem')));
  t.true(server.verify(ca.publicKey), 'the server certificate verifies with the CA on disk');
  t.true(ca.checkPrivateKey(createPrivateKey(readFileSync(join(folder, 'ca-key.pem')))), 'the CA key on disk is the CA certificate\'s');
  t.deepEqual(readdirSync(folder).sort(), ['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem']);
});
