import test, { type ExecutionContext } from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkOnce } from '../../src/server/index.js';

// `warden serve` as an operator meets it: a real process, its exit code, its signals.
const main = join(process.cwd(), 'src/cli/main.ts');
const tsx = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href;

function workspace(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-lifecycle-'));
  cpSync(join(process.cwd(), 'policies'), join(dir, 'policies'), { recursive: true });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function serve(dir: string, args: string[], stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess & { exited: Promise<{ code: number | null; ms: number }>; stderrText: () => string } {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', tsx, main, 'serve', '--dev', ...args], { cwd: dir, stdio: ['ignore', stdout, 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => child.once('exit', (code) => resolve({ code, ms: Date.now() - started })));
  return Object.assign(child, { exited, stderrText: () => err });
}

async function serving(child: ReturnType<typeof serve>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!child.stderrText().includes('serving on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${child.stderrText()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function occupiedPort(t: ExecutionContext): Promise<number> {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => blocker.close());
  return (blocker.address() as { port: number }).port;
}

function freePort(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}

/** The child must end by itself within `ms`; if it does not, it is killed and the test fails. */
async function endsWithin(t: ExecutionContext, child: ReturnType<typeof serve>, ms: number): Promise<{ code: number | null; ms: number }> {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const result = await child.exited;
  clearTimeout(timer);
  t.true(child.signalCode !== 'SIGKILL', `still running after ${ms} ms: ${child.stderrText()}`);
  return result;
}

test('serve exits non-zero at once when its port is taken', async (t) => {
  const port = await occupiedPort(t);
  const child = serve(workspace(t), ['--listen', `127.0.0.1:${port}`, '--metrics', '127.0.0.1:0']);
  const { code } = await endsWithin(t, child, 20_000);
  t.is(code, 2);
  t.regex(child.stderrText(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
});

test('serve exits non-zero at once when the metrics port is taken or the address is bad', async (t) => {
  const port = await occupiedPort(t);
  const metricsTaken = serve(workspace(t), ['--listen', '127.0.0.1:0', '--metrics', `127.0.0.1:${port}`]);
  t.is((await endsWithin(t, metricsTaken, 20_000)).code, 2);
  t.regex(metricsTaken.stderrText(), /cannot serve metrics/);
  const badAddress = serve(workspace(t), ['--listen', 'no-such-host.invalid:1', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, badAddress, 20_000)).code, 2);
  t.regex(badAddress.stderrText(), /cannot listen on no-such-host\.invalid:1/);
});

test('serve refuses to start without a policy to serve: missing directory, missing bundle, compile errors', async (t) => {
  const dir = workspace(t);
  const missing = serve(dir, ['--policies', 'nowhere', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, missing, 20_000)).code, 2);
  t.regex(missing.stderrText(), /no policy to serve: cannot read policy directory nowhere/);

  const noBundle = serve(dir, ['--bundle', 'nowhere.tar.gz', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, noBundle, 20_000)).code, 2);
  t.regex(noBundle.stderrText(), /no policy to serve: .*nowhere\.tar\.gz/);

  writeFileSync(join(dir, 'policies/warden/authz/broken.rego'), 'package warden.authz\n\nallow if {\n');
  const broken = serve(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.is((await endsWithin(t, broken, 20_000)).code, 2);
  t.regex(broken.stderrText(), /no policy to serve/);
  t.regex(broken.stderrText(), /broken\.rego:\d+:\d+: rego_parse_error/);
});

test('SIGHUP reloads the policy; SIGTERM stops the server cleanly', async (t) => {
  const dir = workspace(t);
  writeFileSync(join(dir, 'warden.yaml'), 'watch: false\n');
  const port = freePort();
  const child = serve(dir, ['--config', 'warden.yaml', '--listen', `127.0.0.1:${port}`, '--metrics', '127.0.0.1:0']);
  t.teardown(() => child.kill('SIGKILL'));
  await serving(child);
  t.is(spawnSync(process.execPath, ['--import', tsx, main, 'dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend'], { cwd: dir }).status, 0);
  const ask = () => checkOnce({ address: `127.0.0.1:${port}`, cert: join(dir, 'frontend.pem'), key: join(dir, 'frontend-key.pem'), ca: join(dir, '.warden/ca.pem'), action: 'orders.create', service: 'orders', timeoutMs: 20_000 });
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
  const port = freePort();
  // stdout is a pipe this test never reads: once it is full, every write to it blocks.
  const child = serve(dir, ['--listen', `127.0.0.1:${port}`, '--metrics', '127.0.0.1:0'], 'pipe');
  child.stdout!.pause();
  t.teardown(() => child.kill('SIGKILL'));
  await serving(child);
  t.is(spawnSync(process.execPath, ['--import', tsx, main, 'dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend'], { cwd: dir }).status, 0);
  // Decision log lines of ~7 KB each: a few dozen fill the pipe and the reader's buffer behind it.
  const longPath = `/orders/${'x'.repeat(7000)}`;
  for (let i = 0; i < 60; i++) {
    await checkOnce({ address: `127.0.0.1:${port}`, cert: join(dir, 'frontend.pem'), key: join(dir, 'frontend-key.pem'), ca: join(dir, '.warden/ca.pem'), action: 'orders.read', service: 'orders', path: `${longPath}${i}`, timeoutMs: 20_000 });
  }
  await new Promise((r) => setTimeout(r, 300));
  const signalled = Date.now();
  child.kill('SIGTERM');
  await endsWithin(t, child, 15_000);
  const took = Date.now() - signalled;
  t.log(`exited ${took} ms after SIGTERM`);
  t.true(took < 12_000, `took ${took} ms`);
});
