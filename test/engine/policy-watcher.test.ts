import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EngineError, PolicyWatcher, SourceFingerprinter, type PolicyWatcherOptions, type SourceEvent, type SourceSnapshot } from '../../src/engine/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond` holds (the machines are busy: no fixed sleeps before assertions). */
async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

/** A watcher over a scripted source: `next` decides what each look at the source returns. */
function scripted(next: () => Promise<SourceSnapshot>, options: Partial<PolicyWatcherOptions> = {}) {
  const events: SourceEvent[] = [];
  const state = { looks: 0, reloads: 0, loaded: 'd1' as string | undefined };
  const watcher = new PolicyWatcher({
    snapshot: () => {
      state.looks++;
      return next();
    },
    loadedDigest: () => state.loaded,
    reload: () => state.reloads++,
    pollIntervalMs: 50,
    events: false,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { watcher, events, state, kinds: () => events.filter((e) => e.kind !== 'checked').map((e) => e.kind) };
}

const snapshot = (digest: string): SourceSnapshot => ({ digest, directories: [] });

test('a source that never answers is reported unreadable after the check timeout, and polling goes on', async (t) => {
  let hang = true;
  const { watcher, events, state, kinds } = scripted(() => (hang ? new Promise<SourceSnapshot>(() => {}) : Promise.resolve(snapshot('d2'))), { checkTimeoutMs: 100 });
  t.teardown(() => watcher.close());
  watcher.start();
  await until(() => state.looks >= 2 && events.some((e) => e.kind === 'unreadable'));
  const down = events.find((e) => e.kind === 'unreadable');
  t.regex(down?.kind === 'unreadable' ? down.error.message : '', /did not answer within 100 ms/);
  t.true(state.looks >= 2, 'a hung look does not stop the next ones');
  t.true(events.some((e) => e.kind === 'checked' && !e.healthy), 'the heartbeat reports each failed look');
  t.is(state.reloads, 0, 'nothing to load from a source that does not answer');
  hang = false;
  await until(() => kinds().includes('restored'));
  t.deepEqual(kinds(), ['unreadable', 'restored']);
  t.true(await until(() => state.reloads >= 1), 'a source that answers again with other content is reloaded');
});

test('a source unreadable for longer than the grace is stale until it returns; an unchanged one is not reloaded', async (t) => {
  let fail = true;
  const { watcher, state, kinds } = scripted(() => (fail ? Promise.reject(new Error('EACCES')) : Promise.resolve(snapshot('d1'))), { graceMs: 400 });
  t.teardown(() => watcher.close());
  const started = Date.now();
  watcher.start();
  await until(() => kinds().length > 0);
  t.deepEqual(kinds(), ['unreadable']);
  t.false(watcher.stale, 'within the grace');
  await until(() => watcher.stale);
  t.true(Date.now() - started >= 400, 'not before the grace');
  t.deepEqual(kinds(), ['unreadable', 'stale']);
  fail = false;
  await until(() => !watcher.stale);
  t.deepEqual(kinds(), ['unreadable', 'stale', 'restored']);
  t.false(watcher.stale);
  t.is(state.reloads, 0, 'the digest equals the loaded one');
});

test('a digest that differs from the loaded one starts a reload; close stops polling', async (t) => {
  let digest = 'd1';
  const { watcher, state } = scripted(() => Promise.resolve(snapshot(digest)));
  watcher.start();
  await until(() => state.looks >= 3);
  t.is(state.reloads, 0);
  digest = 'd2';
  t.true(await until(() => state.reloads >= 1));
  watcher.close();
  const looks = state.looks;
  await sleep(200);
  t.is(state.looks, looks, 'no look after close');
});

test('a change is loaded once it has settled: seen twice, a debounce apart; one that keeps changing is loaded within a poll interval', async (t) => {
  let digest = 'd1';
  const settled = scripted(() => Promise.resolve(snapshot(digest)), { pollIntervalMs: 60_000, debounceMs: 50 });
  t.teardown(() => settled.watcher.close());
  settled.watcher.start();
  await until(() => settled.state.looks >= 1);
  digest = 'd2';
  await settled.watcher.check();
  t.is(settled.state.reloads, 0, 'a change seen once may be a copy in progress');
  t.true(await until(() => settled.state.reloads === 1), 'the debounced second look loads it');
  t.is(settled.state.looks, 3);

  let n = 0;
  const churn = scripted(() => Promise.resolve(snapshot(`c${n++}`)), { pollIntervalMs: 200, debounceMs: 50 });
  t.teardown(() => churn.watcher.close());
  const started = Date.now();
  churn.watcher.start();
  t.true(await until(() => churn.state.reloads >= 1));
  t.true(Date.now() - started < 1000, 'a source that never settles is still loaded');
});

test('a folder that cannot be watched is reported once, and polling still reloads', async (t) => {
  let digest = 'd1';
  const missing = join(tmpdir(), 'warden-no-such-folder', String(process.pid));
  const { watcher, events, state } = scripted(() => Promise.resolve({ digest, directories: [{ path: missing, key: '1:1' }] }), { events: true });
  t.teardown(() => watcher.close());
  watcher.start();
  await until(() => state.looks >= 3);
  const failed = events.filter((e) => e.kind === 'watch_failed');
  t.is(failed.length, 1, 'not retried until the folder changes');
  t.is(failed[0]?.kind === 'watch_failed' ? failed[0].path : undefined, missing);
  digest = 'd2';
  t.true(await until(() => state.reloads >= 1));
});

test('options that are not positive are engine_invalid_config', (t) => {
  for (const bad of [{ pollIntervalMs: 0 }, { pollIntervalMs: Number.NaN }, { debounceMs: -1 }, { graceMs: -5 }, { checkTimeoutMs: Infinity }]) {
    const e = t.throws(() => scripted(() => Promise.resolve(snapshot('d1')), bad), { instanceOf: EngineError });
    t.is(e?.code, 'engine_invalid_config', JSON.stringify(bad));
  }
});

test('the fingerprint sees what the loader reads, and only that', async (t) => {
  const dir = temporaryDirectory('warden-fp-');
  mkdirSync(join(dir, 'grants'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'authz.rego'), 'package a\n');
  writeFileSync(join(dir, 'grants', 'data.json'), '{}');
  const fp = new SourceFingerprinter({ policies: dir });
  const first = await fp.snapshot();
  t.deepEqual(first.directories.map((d) => d.path), [dirname(dir), dir, join(dir, 'grants')]);
  const digest = async () => (await fp.snapshot()).digest;
  t.is(await digest(), first.digest, 'stable');
  writeFileSync(join(dir, 'README.md'), 'not policy');
  writeFileSync(join(dir, '.git', 'x.rego'), 'package hidden\n');
  writeFileSync(join(dir, 'grants', 'notes.json'), '{}');
  t.is(await digest(), first.digest, 'files the loader skips change nothing');
  const seen = new Set([first.digest]);
  for (const [file, text] of [['authz.rego', 'package b\n'], ['grants/data.json', '{"a":1}'], ['.manifest', '{"rego_version":0}'], ['grants/data.yaml', 'b: 1\n']] as const) {
    writeFileSync(join(dir, file), text);
    const d = await digest();
    t.false(seen.has(d), file);
    seen.add(d);
  }
  await t.throwsAsync(new SourceFingerprinter({ policies: join(dir, 'gone') }).snapshot(), { instanceOf: EngineError, message: /cannot read policy source/ });
  await t.throwsAsync(new SourceFingerprinter({ bundle: join(dir, 'gone.tar.gz') }).snapshot(), { instanceOf: EngineError });
});

test('timers and watches never keep the process alive', async (t) => {
  const dir = temporaryDirectory('warden-exit-');
  writeFileSync(join(dir, 'authz.rego'), 'package a\n');
  const script = `
    import { Engine, PolicyManager } from ${JSON.stringify(join(process.cwd(), 'src/engine/index.ts'))};
    const manager = new PolicyManager(new Engine(), { policies: ${JSON.stringify(dir)}, entrypoints: ['x'], compiler: async () => { throw new Error('no'); } });
    await manager.load();
    manager.watch();
    setTimeout(() => console.log('watching'), 300);
  `;
  const started = Date.now();
  // Asynchronously: a blocked event loop would stall the timing tests running beside this one.
  const run = await new Promise<{ error: (Error & { signal?: string }) | null; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout, stderr) => resolve({ error, stdout, stderr })),
  );
  t.is(run.error?.signal, undefined, `exited by itself (${Date.now() - started} ms)`);
  t.is(run.error, null, run.stderr);
  t.is(run.stdout.trim(), 'watching');
});
