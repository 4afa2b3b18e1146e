import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { randomUUID } from 'node:crypto';
import { OffThreadDecisionLog, recordJsonWith, recordTail, WardenMetrics, type DecisionRecord } from '../../src/audit/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const record = (id: string): DecisionRecord => ({
  decision_id: id,
  time: '2025-01-01T00:00:00.000Z',
  api: 'authorizer',
  requester: { id: 'spiffe://a/ns/x/sa/y', authenticated_by: 'mtls' },
  subject: { id: 'spiffe://a/ns/x/sa/y', authenticated_by: 'jwt', claims: { sub: 'y', raw: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ5In0.c2ln' } },
  action: 'read',
  resource: { service: 's', path: '/p', attributes: { api_key: 'k-123' } },
  context: { password: 'hunter2', note: 'ok' },
  allowed: true,
  reasons: ['granted'],
  revision: 'r1',
  cached: false,
  latency: 0.2,
});

test('records written from the serving thread reach the file in order, redacted, by close()', async (t) => {
  const file = join(temporaryDirectory('warden-offthread-'), 'decisions.log');
  const log = new OffThreadDecisionLog({ destination: file, redactPaths: ['resource.path'] });
  for (let i = 0; i < 500; i++) log.write(record(`d${i}`));
  await log.close();
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  t.is(lines.length, 500);
  t.deepEqual(lines.map((l) => l.decision_id).slice(0, 3), ['d0', 'd1', 'd2']);
  t.is(lines[499]!.decision_id, 'd499');
  t.is(lines[0]!.log, 'decision');
  t.deepEqual(lines[0]!.context, { password: '[REDACTED]', note: 'ok' });
  t.is(lines[0]!.resource.attributes.api_key, '[REDACTED]');
  t.is(lines[0]!.resource.path, '[REDACTED]');
  t.is(lines[0]!.subject.claims.raw, '[REDACTED]');
  t.is(log.dropped, 0);
});

test('flush() hands everything written so far to the file', async (t) => {
  const file = join(temporaryDirectory('warden-offthread-'), 'decisions.log');
  const log = new OffThreadDecisionLog({ destination: file });
  log.write(record('first'));
  await log.flush();
  t.is(readFileSync(file, 'utf8').trim().split('\n').length, 1);
  await log.close();
});

/** An operational logger whose lines are kept, parsed, with the time each arrived. */
function captureLogger() {
  const lines: Array<Record<string, any> & { at: number }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push({ ...(JSON.parse(line) as Record<string, any>), at: Date.now() }) });
  return { logger, lines };
}

async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const counter = async (metrics: WardenMetrics, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await metrics.registry.metrics())?.[1]);

test('a log worker that dies is restarted, logged and counted; records written around its death still reach the file', async (t) => {
  const file = join(temporaryDirectory('warden-offthread-'), 'decisions.log');
  const metrics = new WardenMetrics();
  const { logger, lines } = captureLogger();
  const log = new OffThreadDecisionLog({ destination: file, metrics, logger });
  t.teardown(() => log.close());
  for (let i = 0; i < 10; i++) log.write(record(`before-${i}`));
  await log.flush();
  log.injectWorkerFault();
  await until(() => lines.some((l) => l.level === 50));
  // Written while the worker is dead or starting again: kept in the ring for the new one.
  for (let i = 0; i < 10; i++) log.write(record(`after-${i}`));
  await log.flush();
  for (let i = 10; i < 20; i++) log.write(record(`after-${i}`));
  await log.close();
  const ids = readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { decision_id: string }).decision_id);
  t.deepEqual(ids, [...Array.from({ length: 10 }, (_, i) => `before-${i}`), ...Array.from({ length: 20 }, (_, i) => `after-${i}`)]);
  t.is(await counter(metrics, 'warden_decision_log_worker_restarts_total'), 1);
  const errors = lines.filter((l) => l.level === 50);
  t.is(errors.length, 1);
  t.regex(errors[0]!.msg, /decision-log worker died; restarting/);
  t.is(errors[0]!.restart_in_ms, 0);
  t.is(log.dropped, 0);
});

test('repeated deaths of the log worker are restarted after a growing wait', async (t) => {
  const file = join(temporaryDirectory('warden-offthread-'), 'decisions.log');
  const metrics = new WardenMetrics();
  const { logger, lines } = captureLogger();
  const log = new OffThreadDecisionLog({ destination: file, metrics, logger, restartBackoff: { firstMs: 300 } });
  t.teardown(() => log.close());
  const deaths = () => lines.filter((l) => l.level === 50);
  for (let n = 1; n <= 3; n++) {
    log.write(record(`r${n}`));
    await log.flush(); // answered by a running worker: the previous restart has happened
    log.injectWorkerFault();
    await until(() => deaths().length === n);
  }
  t.deepEqual(deaths().map((l) => l.restart_in_ms), [0, 300, 600]);
  t.is(await counter(metrics, 'warden_decision_log_worker_restarts_total'), 3);
  log.write(record('last'));
  await log.close();
  t.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { decision_id: string }).decision_id), ['r1', 'r2', 'r3', 'last']);
});

test('dropped records are counted in warden_decision_log_dropped_total and warned about at most once per window', async (t) => {
  const file = join(temporaryDirectory('warden-offthread-'), 'decisions.log');
  const metrics = new WardenMetrics();
  const { logger, lines } = captureLogger();
  const windowMs = 400;
  // A ring of 4 KiB written in one burst before the worker is even running: most records are dropped.
  const log = new OffThreadDecisionLog({ destination: file, metrics, logger, maxBufferBytes: 4096, dropWarningMs: windowMs });
  t.teardown(() => log.close());
  const warnings = () => lines.filter((l) => l.level === 40);
  for (let i = 0; i < 300; i++) log.write(record(`a${i}`));
  const firstDropped = log.dropped;
  t.true(firstDropped > 0);
  await until(() => warnings().length === 1);
  t.is(warnings()[0]!.dropped, firstDropped);
  t.is(await counter(metrics, 'warden_decision_log_dropped_total'), firstDropped);
  for (let i = 0; i < 300; i++) log.write(record(`b${i}`));
  const secondDropped = log.dropped - firstDropped;
  t.true(secondDropped > 0);
  await until(() => warnings().length === 2);
  const [first, second] = warnings();
  t.is(second!.dropped, secondDropped);
  t.is(second!.dropped_total, log.dropped);
  t.true(second!.at - first!.at >= windowMs - 50, `warnings ${second!.at - first!.at} ms apart`);
  t.is(await counter(metrics, 'warden_decision_log_dropped_total'), log.dropped);
  await new Promise((resolve) => setTimeout(resolve, windowMs * 1.5));
  t.is(warnings().length, 2, 'no warning when nothing more was dropped');
});

/** Issue 12's load, scaled down: `distinct` cached decisions on ~290 KiB requests, each logged twice, then a few small records. */
async function largeCachedRecords(log: OffThreadDecisionLog, distinct: number): Promise<number> {
  let written = 0;
  const tails = Array.from({ length: distinct }, (_, n) =>
    recordTail({ allowed: true, reasons: [], revision: 'r1', cached: true }, JSON.stringify({ action: 'read', context: { blob: `${n}:${'x'.repeat(290 * 1024)}` } })),
  );
  for (let round = 0; round < 2; round++) {
    for (let n = 0; n < distinct; n++) {
      log.write(recordJsonWith({ decision_id: randomUUID(), time: '2026-12-03T08:00:00.000Z', api: 'authorizer', latency: 0.1 }, tails[n]!));
      written++;
      // The ring holds a few of these at a time: let the worker keep up rather than drop.
      if (n % 8 === 7) await log.flush();
    }
  }
  for (let i = 0; i < 5; i++) log.write(record(`small-${i}`));
  return written + 5;
}

test('under a heap limit, the bounded memo keeps the log worker alive; an unbounded one kills it, and every record is written or counted as dropped', async (t) => {
  const dir = temporaryDirectory('warden-offthread-');
  const run = async (memo: { bytes: number } | undefined) => {
    const file = join(dir, `${memo ? 'unbounded' : 'bounded'}.log`);
    const metrics = new WardenMetrics();
    const { logger, lines } = captureLogger();
    const log = new OffThreadDecisionLog({ destination: file, metrics, logger, memo, workerResourceLimits: { maxOldGenerationSizeMb: 64 } });
    const written = await largeCachedRecords(log, 150);
    await log.close();
    const logged = readFileSync(file, 'utf8').trim().split('\n');
    return { written, logged, dropped: log.dropped, restarts: await counter(metrics, 'warden_decision_log_worker_restarts_total'), errors: lines.filter((l) => l.level === 50) };
  };
  const bounded = await run(undefined);
  t.is(bounded.restarts, 0);
  t.is(bounded.logged.length, bounded.written);
  t.is(bounded.dropped, 0);
  const unbounded = await run({ bytes: 2 ** 40 });
  t.true(unbounded.restarts >= 1, 'the worker ran out of heap');
  t.is(unbounded.errors.length, unbounded.restarts);
  t.is(unbounded.errors[0]!.err?.code, 'ERR_WORKER_OUT_OF_MEMORY');
  t.deepEqual(unbounded.logged.slice(-5).map((l) => (JSON.parse(l) as { decision_id: string }).decision_id), ['small-0', 'small-1', 'small-2', 'small-3', 'small-4']);
  t.is(unbounded.logged.length + unbounded.dropped, unbounded.written, 'nothing lost without a trace');
});

test('a log worker that dies while closing does not hang close(); what it had not written is counted as dropped', async (t) => {
  const file = join(temporaryDirectory('warden-offthread-'), 'decisions.log');
  const { logger, lines } = captureLogger();
  const log = new OffThreadDecisionLog({ destination: file, logger });
  log.write(record('first'));
  await log.flush();
  for (let i = 0; i < 50; i++) log.write(record(`queued-${i}`));
  log.injectWorkerFault();
  await log.close();
  const written = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length;
  t.is(written + log.dropped, 51, 'every record written or counted');
  const errors = lines.filter((l) => l.level === 50);
  t.is(errors.length, 1);
  t.regex(errors[0]!.msg, /died while closing/);
});
