import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { checkOnce } from '../../src/server/index.js';
import { MAIN, servingFolder, startServe, TSX, type ServeProcess } from '../helpers/serve-process.js';

// `warden serve` as an operator meets it: a real process, its exit code, its signals.

function workspace(t: ExecutionContext): string {
  const dir = servingFolder('warden-lifecycle-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function occupiedPort(t: ExecutionContext): Promise<number> {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => blocker.close());
  return (blocker.address() as { port: number }).port;
}

/** The child must end by itself within `ms`; if it does not, it is killed and the test fails. */
async function endsWithin(t: ExecutionContext, child: ServeProcess, ms: number): Promise<{ code: number | null; ms: number }> {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const result = await child.exited;
  clearTimeout(timer);
  t.true(child.signalCode !== 'SIGKILL', `still running after ${ms} ms: ${child.stderrText()}`);
  return result;
}

test('serve exits non-zero at once when its port is taken', async (t) => {
  const port = await occupiedPort(t);
  const child = startServe(workspace(t), ['--listen', `127.0.0.1:${port}`, '--metrics', '127.0.0.1:0']);
  const { code } = await endsWithin(t, child, 20_000);
  t.is(code, 2);
  t.regex(child.stderrText(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
});

test('serve exits non-zero at once when the metrics port is taken or the address is bad', async (t) => {
  const port = await occupiedPort(t);
  const metricsTaken = startServe(workspace(t), ['--listen', '127.0.0.1:0', '--metrics', `127.0.0.1:${port}`]);
  t.is((await endsWithin(t, metricsTaken, 20_000)).code, 2);
  t.regex(metricsTaken.stderrText(), /cannot serve metrics/);
  const badAddress = startServe(workspace(t), ['--listen', 'no-such-host.invalid:1', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, badAddress, 20_000)).code, 2);
  t.regex(badAddress.stderrText(), /cannot listen on no-such-host\.invalid:1/);
});

test('serve refuses to start without a policy to serve: missing directory, missing bundle, compile errors', async (t) => {
  const dir = workspace(t);
  const missing = startServe(dir, ['--policies', 'nowhere', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, missing, 20_000)).code, 2);
  t.regex(missing.stderrText(), /no policy to serve: cannot read policy directory nowhere/);

  const noBundle = startServe(dir, ['--bundle', 'nowhere.tar.gz', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, noBundle, 20_000)).code, 2);
  t.regex(noBundle.stderrText(), /no policy to serve: .*nowhere\.tar\.gz/);

  writeFileSync(join(dir, 'policies/warden/authz/broken.rego'), 'package warden.authz\n\nallow if {\n');
  const broken = startServe(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, broken, 20_000)).code, 2);
  t.regex(broken.stderrText(), /no policy to serve/);
  t.regex(broken.stderrText(), /broken\.rego:\d+:\d+: rego_parse_error/);
});

test('SIGHUP reloads the policy; SIGTERM stops the server cleanly', async (t) => {
  const dir = workspace(t);
  writeFileSync(join(dir, 'warden.yaml'), 'watch: false\n');
  const child = startServe(dir, ['--config', 'warden.yaml', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => child.kill('SIGKILL'));
  const address = await child.serving();
  t.is(spawnSync(process.execPath, ['--import', TSX, MAIN, 'dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend'], { cwd: dir }).status, 0);
  const ask = () => checkOnce({ address, cert: join(dir, 'frontend.pem'), key: join(dir, 'frontend-key.pem'), ca: join(dir, '.warden/ca.pem'), action: 'orders.create', service: 'orders', timeoutMs: 20_000 });
  t.false((await ask()).allowed);

  const grants = join(dir, 'policies/warden/config/data.json');
  const data = JSON.parse(readFileSync(grants, 'utf8')) as { grants: { service: string; caller: unknown; actions: string[] }[] };
  data.grants.push({ service: 'orders', caller: { namespace: 'shop', service_account: 'frontend' }, actions: ['orders.create'] });
  writeFileSync(grants, JSON.stringify(data));
  child.kill('SIGHUP');
  let allowed = false;
  for (const until = Date.now() + 10_000; !allowed && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) allowed = (await ask()).allowed;
  t.true(allowed, 'the grant added before SIGHUP is served');
  t.is(child.exitCode, null, 'SIGHUP does not end the process');

  child.kill('SIGTERM');
  const { code } = await endsWithin(t, child, 15_000);
  t.is(code, 0);
});

test('SIGTERM ends the process within its bound even when nobody reads its stdout', async (t) => {
  const dir = workspace(t);
  // stdout is a pipe this test never reads: once it is full, every write to it blocks.
  const child = startServe(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0'], 'pipe');
  child.stdout!.pause();
  t.teardown(() => child.kill('SIGKILL'));
  const address = await child.serving();
  t.is(spawnSync(process.execPath, ['--import', TSX, MAIN, 'dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend'], { cwd: dir }).status, 0);
  // Decision log lines of ~7 KB each: a few dozen fill the pipe and the reader's buffer behind it.
  const longPath = `/orders/${'x'.repeat(7000)}`;
  for (let i = 0; i < 60; i++) {
    await checkOnce({ address, cert: join(dir, 'frontend.pem'), key: join(dir, 'frontend-key.pem'), ca: join(dir, '.warden/ca.pem'), action: 'orders.read', service: 'orders', path: `${longPath}${i}`, timeoutMs: 20_000 });
  }
  await new Promise((r) => setTimeout(r, 300));
  const signalled = Date.now();
  child.kill('SIGTERM');
  await endsWithin(t, child, 15_000);
  const took = Date.now() - signalled;
  t.log(`exited ${took} ms after SIGTERM`);
  t.true(took < 12_000, `took ${took} ms`);
});
