import test from 'ava';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkLogServiceConfig, LogShipper, type DecisionRecord } from '../../src/audit/index.js';
import { readServeConfigFile } from '../../src/server/config.js';
import { createCa } from '../server/helpers/pki.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const record = (i: number) =>
  ({ time: '2026-01-01T00:00:00.000Z', decision_id: `d-${i}`, api: 'authz', allowed: true, reasons: [], revision: 'rev-1', latency: 0.1, cached: false }) as unknown as DecisionRecord;

async function until(check: () => boolean, ms = 20_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (check()) return true;
  return check();
}

test('an https collector with a private CA that asks for a client certificate receives the batches; without the certificate nothing arrives', async (t) => {
  const dir = temporaryDirectory('warden-logship-tls-');
  const ca = createCa();
  const server = ca.issue({ cn: 'collector', ips: ['127.0.0.1'] });
  const client = ca.issue({ cn: 'warden' });
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  writeFileSync(join(dir, 'client.pem'), client.cert);
  writeFileSync(join(dir, 'client-key.pem'), client.key);
  const received: Array<{ id: string; peer: string }> = [];
  const https = createServer({ cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN;
      for (const e of JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as Array<{ decision_id: string }>) received.push({ id: e.decision_id, peer: String(peer) });
      res.writeHead(204).end();
    });
  });
  https.listen(0, '127.0.0.1');
  await once(https, 'listening');
  t.teardown(() => {
    https.closeAllConnections();
    https.close();
  });
  const url = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  const tls = { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client-key.pem') };

  const withCert = new LogShipper({ ...checkLogServiceConfig({ url, tls, maxDelaySeconds: 0.05 }), backoff: { firstMs: 20, maxMs: 50 } });
  withCert.write(record(1));
  t.true(await until(() => received.length === 1), 'the batch arrived over mTLS');
  await withCert.close();
  t.deepEqual(received, [{ id: 'd-1', peer: 'warden' }]);

  const withoutCert = new LogShipper({ ...checkLogServiceConfig({ url, tls: { caFile: tls.caFile }, maxDelaySeconds: 0.05 }), backoff: { firstMs: 20, maxMs: 50 }, closeTimeoutMs: 300 });
  withoutCert.write(record(2));
  await new Promise((r) => setTimeout(r, 500));
  await withoutCert.close();
  t.is(received.length, 1, 'a collector that wants a client certificate gets nothing without one');
  t.is(withoutCert.droppedFor('shutdown'), 1, 'the record left at shutdown is counted');
});

test('decisionLogService.tls: checked (https only, cert and key together), and its files found beside the config file', (t) => {
  t.throws(() => checkLogServiceConfig({ url: 'http://logs', tls: { caFile: 'ca.pem' } }), { message: /decisionLogService\.tls is set but \.url is not https/ });
  t.throws(() => checkLogServiceConfig({ url: 'https://logs', tls: { certFile: 'c.pem' } }), { message: /decisionLogService\.tls\.certFile and \.keyFile go together/ });
  t.throws(() => checkLogServiceConfig({ url: 'https://logs', tls: { ca: 'x' } }), { message: /decisionLogService\.tls: unknown fields ca/ });
  const dir = temporaryDirectory('warden-logship-conf-');
  writeFileSync(join(dir, 'warden.yaml'), 'decisionLogService:\n  url: https://logs.example.com\n  tls: { caFile: certs/ca.pem }\n');
  const config = readServeConfigFile(join(dir, 'warden.yaml'));
  t.is(config.decisionLogService?.tls?.caFile, join(dir, 'certs/ca.pem'));
});
