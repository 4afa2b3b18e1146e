import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { ShadowError, ShadowEvaluator, ShadowMetrics, ShadowReloader, type ShadowCandidate } from '../../src/shadow/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

/** A candidate whose revision is the source file's content; `broken` in it fails to load, as a compile error would. */
function fixture(t: import('ava').ExecutionContext) {
  const source = temporaryDirectory('warden-shadow-reload-');
  const file = join(source, 'authz.rego');
  writeFileSync(file, 'r1');
  const loads: string[] = [];
  const load = async (dir: string): Promise<ShadowCandidate> => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(join(dir, 'authz.rego'), 'utf8');
    loads.push(text);
    if (text.includes('broken')) throw new ShadowError('shadow_policy_failed', `shadow ${dir}: authz.rego:1:1: rego_parse_error`);
    return { revision: text, decide: () => ({ allowed: text !== 'deny', reasons: [text] }) };
  };
  const metrics = new ShadowMetrics(new Registry());
  const logged: Array<{ level: string; message: string }> = [];
  const logger = {
    info: (_: unknown, message: string) => void logged.push({ level: 'info', message }),
    warn: (_: unknown, message: string) => void logged.push({ level: 'warn', message }),
    error: (_: unknown, message: string) => void logged.push({ level: 'error', message }),
  };
  const evaluator = new ShadowEvaluator({ decide: () => ({ allowed: true, reasons: ['r1'] }), revision: 'r1', metrics, logger: logger as never });
  const reloader = new ShadowReloader({ source, entrypoints: ['warden/authz/decision'], evaluator, metrics, logger: logger as never, pollIntervalMs: 50, load });
  t.teardown(() => reloader.close());
  return { file, loads, evaluator, reloader, metrics, logged };
}

test('reload: a changed candidate is evaluated from then on; an unchanged one is not swapped', async (t) => {
  const { file, evaluator, reloader, logged } = fixture(t);
  t.deepEqual(await reloader.reload(), { ok: true, revision: 'r1', changed: false });
  writeFileSync(file, 'r2');
  t.deepEqual(await reloader.reload(), { ok: true, revision: 'r2', changed: true });
  t.is(evaluator.revision, 'r2');
  t.is(evaluator.view().revision, 'r2');
  t.true(logged.some((l) => l.level === 'info' && l.message === 'shadow revision reloaded'));
});

test('a candidate that fails to load keeps the last good one, is logged as an error and counted', async (t) => {
  const { file, evaluator, reloader, metrics, logged } = fixture(t);
  writeFileSync(file, 'r2');
  await reloader.reload();
  writeFileSync(file, 'broken');
  const result = await reloader.reload();
  t.false(result.ok);
  t.is(!result.ok && result.error.code, 'shadow_policy_failed');
  t.is(evaluator.revision, 'r2', 'the last good candidate stays');
  t.is((await metrics.reloadFailures.get()).values[0]?.value, 1);
  const error = logged.find((l) => l.level === 'error');
  t.regex(error?.message ?? '', /shadow reload failed, the last good candidate keeps being evaluated: .*rego_parse_error/);
});

test('watch: a change to the source reloads the candidate without a signal; an unchanged source is not reloaded', async (t) => {
  const { file, loads, evaluator, reloader } = fixture(t);
  await reloader.markLoaded();
  reloader.watch();
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(loads, [], 'nothing changed: nothing loaded');
  writeFileSync(file, 'r3');
  const deadline = Date.now() + 20_000;
  while (evaluator.revision !== 'r3' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.is(evaluator.revision, 'r3');
  t.true(loads.includes('r3'));
});

test('after close, a reload under way swaps nothing in and the watcher stops', async (t) => {
  const { file, evaluator, reloader } = fixture(t);
  reloader.watch();
  writeFileSync(file, 'r4');
  await reloader.close();
  await new Promise((r) => setTimeout(r, 300));
  t.is(evaluator.revision, 'r1');
});
