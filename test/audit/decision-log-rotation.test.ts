import test from 'ava';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { OffThreadDecisionLog, rotatedFileName, WardenMetrics, type DecisionRecord } from '../../src/audit/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const DAY = 86_400_000;
const retentionMs = 7 * DAY;

const record = (id: string): DecisionRecord => ({
  decision_id: id,
  time: '2026-12-03T08:00:00.000Z',
  api: 'authorizer',
  requester: { id: 'spiffe://a/ns/x/sa/y', authenticated_by: 'mtls' },
  subject: { id: 'spiffe://a/ns/x/sa/y', authenticated_by: 'mtls' },
  action: 'read',
  resource: { service: 's', path: '/p', attributes: { api_key: 'k-123' } },
  context: { password: 'hunter2', note: 'ok' },
  allowed: true,
  reasons: ['granted'],
  revision: 'r1',
  cached: false,
  latency: 0.2,
});

/** The log's files, oldest first (rotated by name, then the live file). */
function logFiles(dir: string): string[] {
  return [...readdirSync(dir).filter((n) => n.startsWith('decisions.log.')).sort(), 'decisions.log'].filter((n) => existsSync(join(dir, n)));
}

test('in the log worker: rotated by size with no record lost, split or left unredacted', async (t) => {
  const dir = temporaryDirectory('warden-logroll-');
  const log = new OffThreadDecisionLog({ destination: join(dir, 'decisions.log'), rotation: { schedule: { kind: 'size', bytes: 16 * 1024 }, retentionMs } });
  const count = 3000;
  for (let i = 0; i < count; i++) {
    log.write(record(`d${i}`));
    if (i % 250 === 249) await log.flush();
  }
  await log.close();
  const files = logFiles(dir);
  t.true(files.length > 10, `${files.length} files`);
  for (const name of files) t.true(statSync(join(dir, name)).size <= 16 * 1024, name);
  const lines = files.flatMap((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    t.true(text.endsWith('\n'), `${name} ends with a whole line`);
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { decision_id: string; context: { password: string }; resource: { attributes: { api_key: string } } });
  });
  t.deepEqual(lines.map((l) => l.decision_id), Array.from({ length: count }, (_, i) => `d${i}`));
  t.true(lines.every((l) => l.context.password === '[REDACTED]' && l.resource.attributes.api_key === '[REDACTED]'));
  t.is(log.dropped, 0);
});

test('in the log worker: at start, rotated files past the retention are deleted and younger ones kept', async (t) => {
  const dir = temporaryDirectory('warden-logroll-');
  const eightDays = rotatedFileName('decisions.log', Date.now() - 8 * DAY);
  const sixDays = rotatedFileName('decisions.log', Date.now() - 6 * DAY);
  for (const name of [eightDays, sixDays, 'decisions.log', 'unrelated.txt']) writeFileSync(join(dir, name), '{"old":true}\n');
  const log = new OffThreadDecisionLog({ destination: join(dir, 'decisions.log'), rotation: { schedule: { kind: 'daily' }, retentionMs } });
  log.write(record('new'));
  await log.close();
  t.false(existsSync(join(dir, eightDays)));
  t.true(existsSync(join(dir, sixDays)));
  t.true(existsSync(join(dir, 'unrelated.txt')));
  t.deepEqual(readFileSync(join(dir, 'decisions.log'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { decision_id?: string }).decision_id), [undefined, 'new']);
});

test('a decision log file that cannot be opened is logged at error level and counted; the records are counted as dropped, nothing hangs', async (t) => {
  const dir = temporaryDirectory('warden-logroll-');
  writeFileSync(join(dir, 'a-file'), '');
  const metrics = new WardenMetrics();
  const lines: Array<Record<string, any>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, any>) });
  const log = new OffThreadDecisionLog({ destination: join(dir, 'a-file', 'decisions.log'), metrics, logger, rotation: { schedule: { kind: 'daily' }, retentionMs } });
  for (let i = 0; i < 5; i++) log.write(record(`d${i}`));
  await log.close();
  t.is(log.dropped, 5);
  const failure = lines.find((l) => l.level === 50 && l.operation === 'open');
  t.truthy(failure, JSON.stringify(lines));
  t.is(failure!.msg, 'cannot open the decision log');
  t.is(failure!.file, join(dir, 'a-file', 'decisions.log'));
  t.regex(String(failure!.err), /ENOTDIR|EEXIST/);
  const text = await metrics.registry.metrics();
  t.regex(text, /^warden_decision_log_file_failures_total\{operation="open"\} [1-9]/m);
  t.regex(text, /^warden_decision_log_file_failures_total\{operation="rotate"\} 0$/m);
});

test('a rotation that cannot be used is refused when the log is made, not in its worker', (t) => {
  const destination = join(temporaryDirectory('warden-logroll-'), 'decisions.log');
  t.throws(() => new OffThreadDecisionLog({ destination, rotation: { schedule: { kind: 'daily' }, retentionMs: 0 } }), { message: /retention must be a positive number of milliseconds, not 0/ });
  t.throws(() => new OffThreadDecisionLog({ destination, rotation: { schedule: { kind: 'size', bytes: -1 }, retentionMs } }), { message: /rotation must be/ });
  t.throws(() => new OffThreadDecisionLog({ destination, rotation: { schedule: { kind: 'weekly' } as never, retentionMs } }), { message: /rotation must be .*"weekly"/ });
});
