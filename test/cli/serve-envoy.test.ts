import test from 'ava';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ensureDevCa, issueDevCertificate } from '../../src/devca/dev-ca.js';
import { LOADER_OPTIONS, SERVED_PROTOS } from '../../src/server/index.js';
import { CHANNEL_OPTIONS, unary } from '../server/helpers/fixture.js';

const main = join(process.cwd(), 'src/cli/main.ts');
const tsx = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href;
const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(SERVED_PROTOS, LOADER_OPTIONS)) as unknown as {
  envoy: { service: { auth: { v3: { Authorization: grpc.ServiceClientConstructor } } } };
};

type Denied = { status: { code?: number; message?: string }; denied_response?: { body?: string } };

test('serve --envoy-expose-reasons: an Envoy denial carries the policy reasons again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-serve-envoy-'));
  cpSync(join(process.cwd(), 'policies'), join(dir, 'policies'), { recursive: true });
  const ca = ensureDevCa(join(dir, '.warden'));
  const sidecar = issueDevCertificate(join(dir, '.warden'), 'spiffe://warden.local/ns/shop/sa/orders');
  const server = spawn(process.execPath, ['--import', tsx, main, 'serve', '--dev', '--envoy-expose-reasons', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0'], { cwd: dir });
  t.teardown(() => server.kill('SIGTERM'));
  const address = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
    server.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving on ([^\s,]+)[,\n]/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
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
