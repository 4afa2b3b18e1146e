/**
 * Delta bundles in OPA's format served by Debian's nginx to a real server with a bundle service: a
 * delta's patch is applied in place on top of the snapshot (checks change, the revision is the
 * delta's), one with a path outside its roots is refused with a logged reason while the last good
 * revision keeps serving, and Data API writes are refused while the bundle service owns the data.
 */
import test from 'ava';
import { copyFileSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { packFiles, signatureFile, SIGNATURES_FILE } from '../../src/bundle/index.js';
import { NGINX, startStaticServer, type StaticServer } from '../../scripts/fleet/static-server.js';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { startFixture, unary, type Clients, type Fixture } from './helpers/fixture.js';
import { fetchReply, regoCompiler } from './helpers/forward-auth.js';
import { freePort } from './helpers/proxy-harness.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const available = await ensureDebianPackage(console, 'nginx', NGINX);
const serial = available ? test.serial : test.skip;

const CALLER = 'spiffe://example.org/ns/shop/sa/frontend';
const ADMIN = 'spiffe://example.org/ns/ops/sa/admin';

const AUTHZ = `package warden.authz

default decision := {"allow": false, "reasons": ["not granted"]}

decision := {"allow": true, "reasons": []} if data.grants[input.subject.service_account][input.action] == true
`;

let dir: string;
let nginx: StaticServer | undefined;
let fx: Fixture | undefined;
let grpc: Clients | undefined;
let published = Date.now() / 1000 - 100;

/** Packs `files` (signed with `keyFile` when given) and puts them in place as the served bundle in one rename, with a new mtime (nginx's ETag). */
async function publish(files: Record<string, unknown>, keyFile?: string): Promise<void> {
  const entries = new Map(Object.entries(files).map(([name, content]) => [name, Buffer.from(typeof content === 'string' ? content : JSON.stringify(content))]));
  if (keyFile) entries.set(SIGNATURES_FILE, Buffer.from(await signatureFile(entries, { keyFile })));
  const packed = await packFiles(entries);
  const next = join(dir, 'www', '.next.tar.gz');
  writeFileSync(join(dir, 'staged.tar.gz'), packed);
  copyFileSync(join(dir, 'staged.tar.gz'), next);
  published += 10;
  utimesSync(next, published, published);
  renameSync(next, join(dir, 'www', 'bundle.tar.gz'));
}

const check = (action: string) => unary<{ allowed?: boolean; policy_revision?: string }>(grpc!.authz, 'Check', { action, resource: { service: 'shop', path: '/' } });

test.after.always(async () => {
  grpc?.close();
  await fx?.close();
  await nginx?.stop();
});

serial('a delta bundle from nginx is applied in place; one outside its roots is refused and the last good revision serves; Data API writes are refused', async (t) => {
  dir = temporaryDirectory('warden-delta-');
  mkdirSync(join(dir, 'www'));
  await publish({
    '/.manifest': { revision: 'snap-1', roots: ['grants', 'warden'] },
    '/warden/authz/policy.rego': AUTHZ,
    '/grants/data.json': { frontend: { read: true } },
  });
  nginx = await startStaticServer(join(dir, 'www'), join(dir, 'nginx-run'), await freePort());
  fx = await startFixture({
    config: {
      policies: undefined,
      compiler: regoCompiler,
      bundleService: { url: nginx.urlOf('bundle.tar.gz'), pollMinSeconds: 60, pollMaxSeconds: 120 },
      http: '127.0.0.1:0',
      opaApi: { admins: [ADMIN] },
    },
  });
  grpc = fx.clients(CALLER);
  t.is(fx.server.engine.revision?.id, 'snap-1');
  t.true((await check('read')).allowed);
  t.false((await check('write')).allowed);

  await publish({
    '/.manifest': { revision: 'delta-1', delta: true, roots: ['grants'] },
    '/patch.json': { data: [{ op: 'upsert', path: '/grants/frontend/write', value: true }, { op: 'remove', path: '/grants/frontend/read' }] },
  });
  const applied = await fx.server.reload();
  t.true(applied.ok, applied.ok ? '' : applied.error.message);
  t.is(fx.server.engine.revision?.id, 'delta-1', 'the revision is the delta\'s');
  const write = await check('write');
  t.true(write.allowed, 'the delta granted write');
  t.is(write.policy_revision, 'delta-1');
  t.false((await check('read')).allowed, 'the delta removed read (a cached allow is not served)');
  t.true(fx.opsLog.some((l) => l.msg === 'delta bundle applied in place' && l.revision === 'delta-1'));

  await publish({
    '/.manifest': { revision: 'delta-2', delta: true, roots: ['grants'] },
    '/patch.json': { data: [{ op: 'upsert', path: '/grants/frontend/delete', value: true }, { op: 'upsert', path: '/warden/extra', value: 1 }] },
  });
  const refused = await fx.server.reload();
  t.false(refused.ok);
  t.regex(refused.ok ? '' : refused.error.message, /\/warden\/extra is outside the delta's roots/);
  t.true(fx.opsLog.some((l) => l.level === 50 && /outside the delta's roots/.test(String(l.msg))), 'the refusal is logged as an error');
  t.is(fx.server.engine.revision?.id, 'delta-1', 'the last good revision keeps serving');
  t.false((await check('delete')).allowed, 'nothing of the refused delta was applied');
  t.true((await check('write')).allowed);

  const admin = fx.ca.issue({ cn: 'admin', uris: [ADMIN] });
  const put = await fetchReply(`https://${fx.server.httpAddress}/v1/data/grants/frontend`, { method: 'PUT', tls: { cert: admin.cert, key: admin.key, ca: fx.ca.cert }, body: '{"delete": true}', headers: { 'content-type': 'application/json' } });
  t.is(put.status, 400);
  t.like(JSON.parse(put.body), { code: 'invalid_parameter' });
  t.regex(JSON.parse(put.body).message, /owned by the bundle service/);
  t.false((await check('delete')).allowed);
});

serial('with bundle verification, a signed delta is applied and an unsigned one refused', async (t) => {
  await fx?.close();
  await nginx?.stop();
  grpc?.close();
  dir = temporaryDirectory('warden-delta-signed-');
  mkdirSync(join(dir, 'www'));
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  await publish({ '/.manifest': { revision: 'snap-1', roots: ['grants', 'warden'] }, '/warden/authz/policy.rego': AUTHZ, '/grants/data.json': { frontend: { read: true } } }, keyFile);
  nginx = await startStaticServer(join(dir, 'www'), join(dir, 'nginx-run'), await freePort());
  fx = await startFixture({
    config: { policies: undefined, compiler: regoCompiler, bundleService: { url: nginx.urlOf('bundle.tar.gz'), pollMinSeconds: 60, pollMaxSeconds: 120 }, bundleVerification: { keyFile: join(dir, 'pub.pem') } },
  });
  grpc = fx.clients(CALLER);
  t.false((await check('write')).allowed);
  await publish({ '/.manifest': { revision: 'delta-1', delta: true, roots: ['grants'] }, '/patch.json': { data: [{ op: 'upsert', path: '/grants/frontend/write', value: true }] } }, keyFile);
  const signed = await fx.server.reload();
  t.true(signed.ok, signed.ok ? '' : signed.error.message);
  t.true((await check('write')).allowed);
  await publish({ '/.manifest': { revision: 'delta-2', delta: true, roots: ['grants'] }, '/patch.json': { data: [{ op: 'upsert', path: '/grants/frontend/delete', value: true }] } });
  const unsigned = await fx.server.reload();
  t.false(unsigned.ok);
  t.regex(unsigned.ok ? '' : unsigned.error.message, /delta bundle .* refused: bundle is not signed/);
  t.is(fx.server.engine.revision?.id, 'delta-1');
  t.false((await check('delete')).allowed);
});
