import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { freePort } from '../helpers/alertmanager.js';
import { CHANNEL_OPTIONS, REQUESTER, startFixture, unary } from './helpers/fixture.js';
import { createCa } from './helpers/pki.js';
import { testCompiler } from './helpers/test-policy.js';

const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
const Authorizer = (grpc.loadPackageDefinition(protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS)) as unknown as { warden: { authz: { v1: { Authorizer: grpc.ServiceClientConstructor } } } }).warden.authz.v1.Authorizer;

test('while the first revision loads, the port is open, health is NOT_SERVING and checks are refused; then SERVING and decided', async (t) => {
  const port = await freePort();
  const ca = createCa();
  const leaf = ca.issue({ cn: 'client', uris: [REQUESTER] });
  const creds = grpc.credentials.createSsl(Buffer.from(ca.cert), Buffer.from(leaf.key), Buffer.from(leaf.cert));
  const health = new Health(`127.0.0.1:${port}`, creds, CHANNEL_OPTIONS);
  const authz = new Authorizer(`127.0.0.1:${port}`, creds, CHANNEL_OPTIONS);
  t.teardown(() => (health.close(), authz.close()));
  let release!: () => void;
  const compiled = new Promise<void>((resolve) => (release = resolve));
  const compile = testCompiler();
  // A first load that lasts until the test lets it end, as a large data set's does.
  const starting = startFixture({ ca, config: { listen: `127.0.0.1:${port}`, compiler: async (modules, entrypoints) => (await compiled, compile(modules, entrypoints)) } });
  let status: unknown;
  for (const until = Date.now() + 30_000; status === undefined && Date.now() < until; ) {
    status = await unary<{ status: string }>(health, 'Check', { service: '' }, { deadline: Date.now() + 2_000 }).then(
      (r) => r.status,
      () => new Promise((resolve) => setTimeout(() => resolve(undefined), 50)),
    );
  }
  t.is(status, 'NOT_SERVING', 'the port opens before the first revision has loaded');
  const early = await unary(authz, 'Check', { action: 'read' }).then(
    (r) => ({ allowed: (r as { allowed?: boolean }).allowed === true }),
    (e: grpc.ServiceError) => ({ code: e.code, details: e.details }),
  );
  t.false('allowed' in early && early.allowed, `a check before any revision is never allowed: ${JSON.stringify(early)}`);
  t.log(JSON.stringify(early));
  release();
  const fx = await starting;
  t.teardown(() => fx.close());
  t.is((await unary<{ status: string }>(health, 'Check', { service: '' })).status, 'SERVING');
  t.true((await unary<{ allowed?: boolean }>(authz, 'Check', { action: 'read' })).allowed);
});
