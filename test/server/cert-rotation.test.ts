import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { CHANNEL_OPTIONS, REQUESTER, startFixture, unary } from './helpers/fixture.js';
import { createCa, type TestCa } from './helpers/pki.js';

const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS)) as unknown as {
  warden: { authz: { v1: { Authorizer: grpc.ServiceClientConstructor } } };
};

function serverFiles(dir: string, ca: TestCa): void {
  const server = ca.issue({ cn: 'warden', dns: ['localhost'], ips: ['127.0.0.1'] });
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  writeFileSync(join(dir, 'server.pem'), server.cert);
  writeFileSync(join(dir, 'server-key.pem'), server.key);
}

/** A fresh connection (no shared subchannel) trusting `trust` and presenting a certificate from `issuer`. */
async function check(address: string, trust: TestCa, issuer: TestCa): Promise<unknown> {
  const leaf = issuer.issue({ cn: 'client', uris: [REQUESTER] });
  const credentials = grpc.credentials.createSsl(Buffer.from(trust.cert), Buffer.from(leaf.key), Buffer.from(leaf.cert));
  const client = new pkg.warden.authz.v1.Authorizer(address, credentials, { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 });
  try {
    return await unary(client, 'Check', { action: 'read', resource: { service: 'rotation' } }, { deadline: Date.now() + 3000 });
  } finally {
    client.close();
  }
}

test('server certificate and client CA rotate on disk without a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-rotation-'));
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
