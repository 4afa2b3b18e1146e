import test, { type ExecutionContext } from 'ava';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, servingFolder, startServe, TSX } from '../helpers/serve-process.js';

async function serveAndCheck(t: ExecutionContext, serveArgs: string[], prepare: (dir: string) => void = () => undefined): Promise<void> {
  const dir = servingFolder();
  prepare(dir);
  const server = startServe(dir, [...serveArgs, '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8' });
  t.is(run(['dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend']).status, 0);
  const common = ['--cert', 'frontend.pem', '--key', 'frontend-key.pem', '--service', 'orders', '--address', address];
  const allowed = run(['check', ...common, '--action', 'orders.read']);
  t.is(allowed.status, 0, allowed.stderr);
  t.true(JSON.parse(allowed.stdout).allowed);
  const denied = run(['check', ...common, '--action', 'orders.create']);
  t.is(denied.status, 1);
  t.deepEqual(JSON.parse(denied.stdout).reasons, ['no grant lets shop/frontend orders.create on orders']);
}

test('the README path: serve --dev, dev-cert, check allowed and denied over mTLS', async (t) => {
  await serveAndCheck(t, []);
});

test('the bundled config (npm start): a loop of warden check is rate limited, saying by which limit and when to retry', async (t) => {
  const dir = servingFolder();
  copyFileSync(join(process.cwd(), 'deploy', 'warden.yaml'), join(dir, 'warden.yaml'));
  const server = startServe(dir, ['--config', 'warden.yaml', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8' });
  t.is(run(['dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend']).status, 0);
  const check = ['check', '--cert', 'frontend.pem', '--key', 'frontend-key.pem', '--service', 'orders', '--address', address, '--action', 'orders.read'];
  let answer: { allowed: boolean; reasons: string[]; retry_after_ms?: number } | undefined;
  for (let i = 0; i < 40; i++) {
    const r = run(check);
    answer = JSON.parse(r.stdout) as typeof answer;
    if (!answer!.allowed) break;
  }
  t.false(answer!.allowed);
  t.deepEqual(answer!.reasons, ['rate limited: per-route (0.5/s, burst 5)']);
  t.true((answer!.retry_after_ms ?? 0) > 0);
});

// Serial: ava runs it before the concurrent ones, so its server does not start among four others on a 2-core CI machine.
test.serial('the README keys path (npm start): create a key, check with it, revoke it, check again: denied', async (t) => {
  const dir = servingFolder();
  // deploy/warden.yaml names its key store ../.warden/api-keys.json: the .warden/ that serve --dev uses.
  mkdirSync(join(dir, 'deploy'));
  copyFileSync(join(process.cwd(), 'deploy', 'warden.yaml'), join(dir, 'deploy', 'warden.yaml'));
  const server = startServe(dir, ['--config', 'deploy/warden.yaml', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving(90_000);
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8' });
  t.is(run(['dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend']).status, 0);
  const created = run(['keys', 'create', 'spiffe://warden.local/ns/shop/sa/checkout', '--store', '.warden/api-keys.json', '--ttl', '30d', '--service', 'orders']);
  t.is(created.status, 0, created.stderr);
  const key = created.stdout.trim();
  const check = ['check', '--cert', 'frontend.pem', '--key', 'frontend-key.pem', '--api-key', key, '--action', 'orders.create', '--service', 'orders', '--address', address];
  // The server re-reads the store within a second of the change.
  const until = (allowed: boolean) => {
    for (let i = 0; i < 4; i++) {
      const answer = JSON.parse(run(check).stdout) as { allowed: boolean; reasons: string[] };
      if (answer.allowed === allowed) return answer;
    }
    return undefined;
  };
  t.deepEqual(until(true)?.reasons, ['granted: shop/checkout may orders.create on orders']);
  t.is(run(['keys', 'revoke', key, '--store', '.warden/api-keys.json']).status, 0);
  t.deepEqual(until(false)?.reasons, ['api key rejected']);
  // The operational log is written asynchronously: the line may come a moment after the answer.
  for (let i = 0; i < 50 && !server.stderrText().includes('"msg":"api key rejected"'); i++) await new Promise((r) => setTimeout(r, 100));
  t.regex(server.stderrText(), /"why":"key [a-z2-7]{16} revoked","msg":"api key rejected"/);
  t.false(server.stderrText().includes(key.slice(-43)), 'the key is in no log line');
});

test('warden build, then serve --bundle: the same decisions from the bundle', async (t) => {
  await serveAndCheck(t, ['--bundle', 'authz.tar.gz'], (dir) => {
    const built = spawnSync(process.execPath, ['--import', TSX, MAIN, 'build', '-b', 'policies', '-e', 'warden/authz/decision', '-o', 'authz.tar.gz'], { cwd: dir, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`warden build failed: ${built.stderr}`);
    rmSync(join(dir, 'policies'), { recursive: true });
  });
});

test.serial('serve refuses JWT settings without an issuer or an audience, naming the missing flag', async (t) => {
  const dir = servingFolder();
  writeFileSync(join(dir, 'jwt-only.yaml'), 'jwt:\n  jwks: jwks.json\n  issuer: https://issuer.example.org\n');
  // An ephemeral port each, and a timeout: code as it was would start serving instead of refusing.
  // Serial and non-blocking: the other tests of this file give their servers a fixed time to start.
  const serve = (args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', TSX, MAIN, 'serve', '--dev', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 }, (e, _stdout, stderr) =>
        resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, stderr }),
      );
    });
  const cases: Array<[string[], RegExp]> = [
    [['--jwks', 'jwks.json'], /JWT verification needs --jwt-issuer \(jwt\.issuer\) and --jwt-audience \(jwt\.audience\)/],
    [['--jwks', 'jwks.json', '--jwt-audience', 'warden'], /JWT verification needs --jwt-issuer \(jwt\.issuer\):/],
    [['--config', 'jwt-only.yaml'], /JWT verification needs --jwt-audience \(jwt\.audience\):/],
    [['--jwt-issuer', 'https://issuer.example.org', '--jwt-audience', 'warden'], /--jwt-issuer and --jwt-audience need --jwks/],
  ];
  // One after the other: the first one creates the development CA the others then share.
  for (const [args, message] of cases) {
    const r = await serve(args);
    t.is(r.status, 2, `${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
    t.regex(r.stderr, message);
    t.false(r.stderr.includes('serving on'));
  }
});
