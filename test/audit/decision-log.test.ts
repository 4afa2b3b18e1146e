import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DecisionLog, WardenMetrics, type DecisionRecord } from '../../src/audit/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const record = (over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  decision_id: 'd1',
  time: '2025-01-01T00:00:00.000Z',
  api: 'authorizer',
  requester: { id: 'spiffe://a/b', authenticated_by: 'mtls' },
  subject: { id: 'spiffe://a/b', authenticated_by: 'mtls', claims: { token_hint: 'x' } },
  action: 'read',
  resource: { service: 's', path: '/p', attributes: {} },
  context: { password: 'hunter2' },
  allowed: true,
  reasons: [],
  revision: 'r1',
  cached: false,
  latency: 0.2,
  ...over,
});

test('one JSON line per decision in a file, with the documented fields, redacted', async (t) => {
  const file = join(temporaryDirectory('warden-log-'), 'sub', 'decisions.log');
  const log = new DecisionLog({ destination: file, redactPaths: ['resource.path'] });
  log.write(record());
  log.write(record({ decision_id: 'd2', allowed: false, reasons: ['no'] }));
  await log.close();
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.is(lines.length, 2);
  for (const k of ['decision_id', 'time', 'requester', 'subject', 'action', 'resource', 'allowed', 'reasons', 'revision', 'cached', 'latency']) t.true(k in lines[0]!, k);
  t.is(lines[0]!.log, 'decision');
  t.deepEqual(lines[0]!.context, { password: '[REDACTED]' });
  t.is((lines[0]!.resource as { path: string }).path, '[REDACTED]');
  t.deepEqual((lines[1]! as { reasons: string[] }).reasons, ['no']);
});

test('a broken sink never throws into the caller', async (t) => {
  const broken = new Writable({
    write(_c, _e, cb) {
      cb(new Error('disk on fire'));
    },
  });
  broken.on('error', () => undefined);
  const log = new DecisionLog({ destination: broken });
  t.notThrows(() => {
    for (let i = 0; i < 10; i++) log.write(record());
  });
  await log.close();
});

test('destination false logs nothing', async (t) => {
  const log = new DecisionLog({ destination: false });
  t.notThrows(() => log.write(record()));
  await log.close();
});

test('records the in-process log drops are counted in warden_decision_log_dropped_total and warned about once per window', async (t) => {
  const file = join(temporaryDirectory('warden-log-'), 'decisions.log');
  const metrics = new WardenMetrics();
  const warnings: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  // A 1 KiB buffer written in one burst: the asynchronous file destination drops what does not fit.
  const log = new DecisionLog({ destination: file, maxBufferBytes: 1024, metrics, logger, dropWarningMs: 300 });
  for (let i = 0; i < 200; i++) log.write(record({ decision_id: `d${i}` }));
  t.true(log.dropped > 0);
  const dropped = log.dropped;
  for (const end = Date.now() + 10_000; warnings.length === 0 && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 20));
  t.is(warnings.length, 1);
  t.is(warnings[0]!.dropped, dropped);
  t.regex(await metrics.registry.metrics(), new RegExp(`^warden_decision_log_dropped_total ${dropped}$`, 'm'));
  await new Promise((resolve) => setTimeout(resolve, 450));
  await log.close();
  t.is(warnings.length, 1, 'nothing more dropped: nothing more said, at the next window or at close');
});
