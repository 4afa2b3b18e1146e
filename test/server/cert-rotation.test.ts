import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { connect } from 'node:tls';
import type { Counter } from 'prom-client';
import { CHANNEL_OPTIONS, REQUESTER, startFixture, unary, type Fixture } from './helpers/fixture.js';
import { createCa, type TestCa } from './helpers/pki.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS)) as unknown as {
  warden: { authz: { v1: { Authorizer: grpc.ServiceClientConstructor } } };
};

function serverFiles(dir: string, ca: TestCa): void {
  const server = ca.issue({ cn: 'warden', dns: ['localhost'], ips: ['127.0.0.1'] });
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  writeFileSync(join(dir, 'server.pem'), server.cert);
  writeFileSync(join(dir, 'server-key.pem'), server.key);
}

/** A client with its own connection (no shared subchannel) trusting `trust` and presenting a certificate from `issuer`. */
function client(address: string, trust: TestCa, issuer: TestCa): grpc.Client {
  const leaf = issuer.issue({ cn: 'client', uris: [REQUESTER] });
  const credentials = grpc.credentials.createSsl(Buffer.from(trust.cert), Buffer.from(leaf.key), Buffer.from(leaf.cert));
  return new pkg.warden.authz.v1.Authorizer(address, credentials, { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 });
}

/** One check over a fresh connection. */
async function check(address: string, trust: TestCa, issuer: TestCa): Promise<unknown> {
  const c = client(address, trust, issuer);
  try {
    return await unary(c, 'Check', { action: 'read', resource: { service: 'rotation' } }, { deadline: Date.now() + 10_000 });
  } finally {
    c.close();
  }
}

test('server certificate and client CA rotate on disk without a restart', async (t) => {
  const dir = temporaryDirectory('warden-rotation-');
  const before = createCa('Warden Test CA (before)');
  serverFiles(dir, before);
  const fx = await startFixture({
    config: { tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem'), clientCa: join(dir, 'ca.pem'), refreshIntervalMs: 200 } },
  });
  t.teardown(() => fx.close());
  const address = fx.server.address;
  t.like(await check(address, before, before), { allowed: true });

  const after = createCa('Warden Test CA (after)');
  serverFiles(dir, after);
  // The server picks the new files up on its next refresh; new connections then see only them.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !(await check(address, after, after).then(() => true, () => false))) await new Promise((r) => setTimeout(r, 100));
  t.like(await check(address, after, after), { allowed: true });
  await t.throwsAsync(check(address, after, before), undefined, 'a client certificate from the old CA no longer chains to the client CA');
  await t.throwsAsync(check(address, before, before), undefined, 'a client that trusts only the old CA rejects the new server certificate');
});

test('reloadAll (SIGHUP) applies rotated TLS files at once, without waiting for the refresh timer', async (t) => {
  const dir = temporaryDirectory('warden-rotation-');
  const before = createCa('Warden Test CA (before)');
  serverFiles(dir, before);
  const fx = await startFixture({
    config: { tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem'), clientCa: join(dir, 'ca.pem'), refreshIntervalMs: 3_600_000 } },
  });
  t.teardown(() => fx.close());
  const address = fx.server.address;
  const after = createCa('Warden Test CA (after)');
  serverFiles(dir, after);
  await new Promise((r) => setTimeout(r, 300));
  await t.throwsAsync(check(address, after, after), undefined, 'the hourly timer has not re-read the files yet');
  t.true((await fx.server.reloadAll()).ok);
  t.like(await check(address, after, after), { allowed: true });
});

async function count(counter: Counter<string>, labels: Record<string, string> = {}): Promise<number> {
  const values = (await counter.get()).values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return values.reduce((n, v) => n + v.value, 0);
}

/** Waits until `counter` reaches `n` (the refresh runs every 100 ms in these tests). */
async function reaches(counter: Counter<string>, n: number): Promise<void> {
  const end = Date.now() + 5000;
  while ((await count(counter)) < n) {
    if (Date.now() > end) throw new Error(`${(counter as unknown as { name: string }).name} did not reach ${n}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rotatingFixture(t: import('ava').ExecutionContext, ca: TestCa): Promise<{ fx: Fixture; dir: string }> {
  const dir = temporaryDirectory('warden-rotation-');
  serverFiles(dir, ca);
  const fx = await startFixture({
    config: { tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem'), clientCa: join(dir, 'ca.pem'), refreshIntervalMs: 100 } },
  });
  t.teardown(() => fx.close());
  return { fx, dir };
}

test('rotated garbage keeps the last good files serving; each failure is logged and counted once', async (t) => {
  const ca = createCa('Warden Test CA (last good)');
  const { fx, dir } = await rotatingFixture(t, ca);
  const { metrics } = fx.server;
  const good = { cert: readFileSync(join(dir, 'server.pem')), key: readFileSync(join(dir, 'server-key.pem')), ca: readFileSync(join(dir, 'ca.pem')) };

  writeFileSync(join(dir, 'server.pem'), 'garbage');
  await reaches(metrics.tlsReloadFailures, 1);
  t.like(await check(fx.server.address, ca, ca), { allowed: true }, 'a garbage server certificate: new connections still use the last good one');

  writeFileSync(join(dir, 'server.pem'), good.cert);
  writeFileSync(join(dir, 'server-key.pem'), createCa('Someone else').key);
  await reaches(metrics.tlsReloadFailures, 2);
  t.like(await check(fx.server.address, ca, ca), { allowed: true }, 'a key that does not match');

  writeFileSync(join(dir, 'server-key.pem'), good.key);
  writeFileSync(join(dir, 'ca.pem'), '');
  await reaches(metrics.tlsReloadFailures, 3);
  t.like(await check(fx.server.address, ca, ca), { allowed: true }, 'an empty client CA file does not lock everyone out');

  // Several refreshes of the same bad file: still one failure.
  await new Promise((r) => setTimeout(r, 400));
  t.is(await count(metrics.tlsReloadFailures), 3);
  t.is(await count(metrics.tlsReloads), 0);
  const rejected = fx.opsLog.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('TLS files rejected'));
  t.is(rejected.length, 3);
  t.regex(String(rejected[2]!.msg), /client CA holds no PEM certificate/);

  writeFileSync(join(dir, 'ca.pem'), good.ca);
  const next = createCa('Warden Test CA (next)');
  serverFiles(dir, next);
  await reaches(metrics.tlsReloads, 1);
  t.like(await check(fx.server.address, next, next), { allowed: true }, 'a good set after bad ones is put to use');
});

/** Completes a TLS handshake at most at TLS 1.2; resolves to the protocol. */
function tls12Handshake(port: number, ca: TestCa): Promise<string | null> {
  const leaf = ca.issue({ cn: 'client', uris: [REQUESTER] });
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.cert, cert: leaf.cert, key: leaf.key, ALPNProtocols: ['h2'], maxVersion: 'TLSv1.2' });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

test('a client CA rotation closes the connections it no longer trusts and keeps the others', async (t) => {
  const a = createCa('Warden Test CA (A)');
  const b = createCa('Warden Test CA (B)');
  const { fx, dir } = await rotatingFixture(t, a);
  const { metrics, address, port } = fx.server;
  const rotated = () => count(metrics.connectionsClosed, { reason: 'client_ca_rotated' });
  const fromA = client(address, a, a);
  t.teardown(() => fromA.close());
  t.like(await unary(fromA, 'Check', { action: 'read' }), { allowed: true });

  // A bundle that still holds A: the connection stays and keeps being served.
  writeFileSync(join(dir, 'ca.pem'), a.cert + b.cert);
  await reaches(metrics.tlsReloads, 1);
  t.is(await rotated(), 0);
  t.like(await unary(fromA, 'Check', { action: 'read' }), { allowed: true });
  t.like(await check(address, a, b), { allowed: true }, 'B is trusted now too');

  // B alone: A's connection, opened before, is closed; its next call cannot reconnect.
  writeFileSync(join(dir, 'ca.pem'), b.cert);
  await reaches(metrics.tlsReloads, 2);
  t.is(await rotated(), 1);
  await t.throwsAsync(unary(fromA, 'Check', { action: 'read' }, { deadline: Date.now() + 2000 }), undefined, 'the old client is refused');
  t.like(await check(address, a, b), { allowed: true });
  await t.throwsAsync(tls12Handshake(port, a), undefined, 'the rotated secure context is still TLS 1.3 only');
});
