import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ensureDevCa, issueDevCertificate } from '../../src/devca/dev-ca.js';
import { LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { CHANNEL_OPTIONS, unary } from '../server/helpers/fixture.js';
import { servingFolder, startServe } from '../helpers/serve-process.js';

const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS)) as unknown as {
  envoy: { service: { auth: { v3: { Authorization: grpc.ServiceClientConstructor } } } };
};

type Denied = { status: { code?: number; message?: string }; denied_response?: { body?: string } };

test('serve --envoy-expose-reasons: an Envoy denial carries the policy reasons again', async (t) => {
  const dir = servingFolder('warden-serve-envoy-');
  const ca = ensureDevCa(join(dir, '.warden'));
  const sidecar = issueDevCertificate(join(dir, '.warden'), 'spiffe://warden.local/ns/shop/sa/orders');
  const server = startServe(dir, ['--envoy-expose-reasons', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  const creds = grpc.credentials.createSsl(readFileSync(ca.ca), Buffer.from(sidecar.key), Buffer.from(sidecar.cert));
  const client = new pkg.envoy.service.auth.v3.Authorization(address, creds, CHANNEL_OPTIONS);
  t.teardown(() => client.close());
  const res = await unary<Denied>(client, 'Check', {
    attributes: {
      source: { principal: 'spiffe://warden.local/ns/shop/sa/frontend' },
      destination: { principal: 'spiffe://warden.local/ns/shop/sa/orders' },
      request: { http: { method: 'DELETE', path: '/orders/1', host: 'orders' } },
    },
  });
  t.is(res.status.code, 7);
  t.is(res.denied_response!.body, 'no grant lets shop/frontend DELETE on orders\n');
  t.is(res.status.message, 'no grant lets shop/frontend DELETE on orders');
});
