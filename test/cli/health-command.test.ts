import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { MAIN, servingFolder, startServe, TSX } from '../helpers/serve-process.js';

const warden = (dir: string, args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

test.serial('warden health: SERVING and exit 0 from a running server over mTLS; unknown service and no server are exit 1', async (t) => {
  const dir = servingFolder('warden-health-');
  const server = startServe(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  t.is(warden(dir, ['dev-cert', 'spiffe://warden.local/ns/warden/sa/probe', '--out', 'probe']).status, 0);
  const probe = ['health', '--cert', 'probe.pem', '--key', 'probe-key.pem'];

  const healthy = warden(dir, [...probe, '--address', address]);
  t.is(healthy.status, 0, healthy.stderr);
  t.is(healthy.stdout.trim(), 'SERVING');

  const served = warden(dir, [...probe, '--address', address, '--service', 'warden.authz.v1.Authorizer']);
  t.is(served.status, 0, served.stderr);

  const unknown = warden(dir, [...probe, '--address', address, '--service', 'no.such.Service']);
  t.is(unknown.status, 1);
  t.regex(unknown.stderr, /NOT_FOUND|unknown/i);

  // A port that accepts TCP but never speaks gRPC: the deadline ends the probe, as a failure.
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => silent.close());
  const hung = warden(dir, [...probe, '--address', `127.0.0.1:${(silent.address() as AddressInfo).port}`, '--timeout', '1000']);
  t.is(hung.status, 1);
  t.regex(hung.stderr, /^warden: /);
});

test.serial('warden health without a client certificate is a usage error (exit 2), not a pass', (t) => {
  const r = warden(process.cwd(), ['health', '--address', '127.0.0.1:1']);
  t.is(r.status, 2);
  t.regex(r.stderr, /usage: warden health --cert F --key F/);
});
