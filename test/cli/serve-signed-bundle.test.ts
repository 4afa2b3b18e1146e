import test, { type ExecutionContext } from 'ava';
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, servingFolder, startServe, TSX, type ServeProcess } from '../helpers/serve-process.js';
import { wardenAsync } from '../helpers/cli.js';

function writeKeys(dir: string, name: string): void {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, `${name}.key.pem`), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, `${name}.pub.pem`), pair.publicKey.export({ type: 'spki', format: 'pem' }));
}

async function build(t: ExecutionContext, dir: string, out: string, extra: string[]): Promise<void> {
  const r = await wardenAsync(['build', 'policies', '-o', out, ...extra], dir);
  t.is(r.code, 0, r.stderr);
}

async function ended(server: ServeProcess): Promise<number | null> {
  const timer = setTimeout(() => server.kill('SIGKILL'), 60_000);
  const { code } = await server.exited;
  clearTimeout(timer);
  return code;
}

async function stderrMatches(server: ServeProcess, pattern: RegExp): Promise<boolean> {
  // Generous: the bundle is polled every second, on a busy 2-core machine.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (pattern.test(server.stderrText())) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test.serial('build --signing-key and serve --verification-key: signed serves, unsigned and foreign-signed are refused, a bad reload keeps the last good revision', async (t) => {
  const dir = servingFolder('warden-signed-');
  writeKeys(dir, 'ours');
  writeKeys(dir, 'theirs');
  await Promise.all([
    build(t, dir, 'signed.tar.gz', ['--signing-key', 'ours.key.pem']),
    build(t, dir, 'foreign.tar.gz', ['--signing-key', 'theirs.key.pem']),
    build(t, dir, 'unsigned.tar.gz', []),
  ]);
  const listen = ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--verification-key', 'ours.pub.pem'];

  const unsigned = startServe(dir, ['--bundle', 'unsigned.tar.gz', ...listen]);
  const foreign = startServe(dir, ['--bundle', 'foreign.tar.gz', ...listen]);
  t.is(await ended(unsigned), 2);
  t.regex(unsigned.stderrText(), /no policy to serve: .*unsigned\.tar\.gz refused: bundle is not signed/);
  t.is(await ended(foreign), 2);
  t.regex(foreign.stderrText(), /foreign\.tar\.gz refused: .*does not verify with key ours\.pub\.pem/);

  const server = startServe(dir, ['--bundle', 'signed.tar.gz', ...listen]);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8' });
  t.is(run(['dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend']).status, 0);
  const check = () => run(['check', '--cert', 'frontend.pem', '--key', 'frontend-key.pem', '--service', 'orders', '--address', address, '--action', 'orders.read']);
  const before = check();
  t.is(before.status, 0, before.stderr);
  const revision = JSON.parse(before.stdout).policy_revision as string;
  t.truthy(revision);

  renameSync(join(dir, 'foreign.tar.gz'), join(dir, 'signed.tar.gz'));
  t.true(await stderrMatches(server, /signed\.tar\.gz refused: .*does not verify/), server.stderrText());
  const after = check();
  t.is(after.status, 0, after.stderr);
  t.is(JSON.parse(after.stdout).policy_revision, revision);
});

test.serial('build refuses signing flags without a key, an unknown algorithm, and a key that does not suit the algorithm', async (t) => {
  const dir = servingFolder('warden-signflags-');
  writeKeys(dir, 'ours');
  const [stray, unknown, mismatch] = await Promise.all([
    wardenAsync(['build', 'policies', '--signing-alg', 'ES256'], dir),
    wardenAsync(['build', 'policies', '--signing-key', 'ours.key.pem', '--signing-alg', 'none'], dir),
    wardenAsync(['build', 'policies', '--signing-key', 'ours.key.pem', '--signing-alg', 'ES256'], dir),
  ]);
  t.not(stray.code, 0);
  t.regex(stray.stderr, /--signing-alg needs --signing-key/);
  t.not(unknown.code, 0);
  t.regex(unknown.stderr, /unknown --signing-alg none/);
  t.not(mismatch.code, 0);
  t.regex(mismatch.stderr, /cannot sign with key ours\.key\.pem as ES256/);
});
