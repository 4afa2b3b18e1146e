import test from 'ava';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readServeConfigFile, ServiceError } from '../../src/server/index.js';
import { MAIN, servingFolder, startServe, TSX } from '../helpers/serve-process.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

function configFile(yaml: string): string {
  const file = join(temporaryDirectory('warden-logship-config-'), 'warden.yaml');
  writeFileSync(file, yaml);
  return file;
}

test('decisionLogService is read from --config; bad values are refused naming the file and the field', (t) => {
  const good = readServeConfigFile(configFile('decisionLogService:\n  url: https://logs.example.com/v1\n  maxBatchBytes: 65536\n  headers:\n    Authorization: Bearer abc\n'));
  t.is(good.decisionLogService?.url, 'https://logs.example.com/v1');
  const cases: Array<[string, RegExp]> = [
    ['decisionLogService: https://logs.example.com\n', /decisionLogService must be an object with at least a url$/],
    ['decisionLogService:\n  maxBatchBytes: 10\n', /decisionLogService\.url must be the collector URL/],
    ['decisionLogService:\n  url: ftp://logs\n', /decisionLogService\.url must be http or https, not ftp:$/],
    ['decisionLogService:\n  url: http://logs\n  maxBatchBytes: -1\n', /decisionLogService\.maxBatchBytes must be a positive integer, not -1$/],
    ['decisionLogService:\n  url: http://logs\n  maxDelaySeconds: soon\n', /decisionLogService\.maxDelaySeconds must be a positive number, not "soon"$/],
    ['decisionLogService:\n  url: http://logs\n  maxBufferBytes: 100\n  maxBatchBytes: 1000\n', /decisionLogService\.maxBufferBytes \(100\) must be at least maxBatchBytes \(1000\)$/],
    ['decisionLogService:\n  url: http://logs\n  headers:\n    X-Key: [1]\n', /decisionLogService\.headers\.X-Key must be a string on one line$/],
    ['decisionLogService:\n  url: http://logs\n  tls: {}\n', /decisionLogService\.tls is set but \.url is not https$/],
    ['decisionLogService:\n  url: http://logs\n  retries: 3\n', /decisionLogService: unknown fields retries/],
  ];
  for (const [yaml, message] of cases) {
    const file = configFile(yaml);
    const err = t.throws(() => readServeConfigFile(file), { instanceOf: ServiceError });
    t.is((err as ServiceError).code, 'invalid_config');
    t.true(err!.message.startsWith(`config ${file}: `), err!.message);
    t.regex(err!.message, message);
  }
});

test('warden serve with decisionLogService: a check reaches the collector as an OPA event, and the local log keeps working', async (t) => {
  const received: Array<{ headers: IncomingHttpHeaders; url: string; events: Array<Record<string, unknown>> }> = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      received.push({ headers: req.headers, url: req.url!, events: JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as Array<Record<string, unknown>> });
      res.end();
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  t.teardown(() => new Promise<void>((r) => collector.close(() => r())));
  const port = (collector.address() as AddressInfo).port;

  const dir = servingFolder('warden-logship-');
  writeFileSync(
    join(dir, 'warden.yaml'),
    `decisionLog: decisions.log\ndecisionLogService:\n  url: http://127.0.0.1:${port}/collector\n  maxDelaySeconds: 0.2\n  headers:\n    Authorization: Bearer collector-token\n`,
  );
  const server = startServe(dir, ['--config', 'warden.yaml', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8' });
  t.is(run(['dev-cert', 'spiffe://warden.local/ns/shop/sa/frontend', '--out', 'frontend']).status, 0);
  const checked = run(['check', '--cert', 'frontend.pem', '--key', 'frontend-key.pem', '--service', 'orders', '--address', address, '--action', 'orders.read']);
  t.is(checked.status, 0, checked.stderr);
  const answer = JSON.parse(checked.stdout) as { decision_id: string; allowed: boolean; reasons: string[] };

  const deadline = Date.now() + 30_000;
  while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  server.kill('SIGTERM');
  await server.exited;
  const [upload] = received;
  t.truthy(upload, `nothing shipped; server said: ${server.stderrText()}`);
  t.is(upload!.url, '/collector/logs');
  t.is(upload!.headers.authorization, 'Bearer collector-token');
  const event = upload!.events.find((e) => e.decision_id === answer.decision_id);
  t.truthy(event);
  t.is(event!.path, 'warden/authz/decision');
  t.true(answer.allowed);
  t.deepEqual(event!.result, { allow: answer.allowed, reasons: answer.reasons });
  t.is(((event!.input as { subject: { id: string } }).subject).id, 'spiffe://warden.local/ns/shop/sa/frontend');
  t.true(readFileSync(join(dir, 'decisions.log'), 'utf8').includes(answer.decision_id), 'the local log has the decision too');
  t.false(server.stderrText().includes('collector-token'), 'the header value is never logged');
});
