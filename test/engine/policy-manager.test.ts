import test, { type ExecutionContext } from 'ava';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  Engine,
  EngineError,
  loadRevision,
  PolicyManager,
  type PolicyCompiler,
  type PolicyManagerOptions,
  type ReloadResult,
  type SourceEvent,
} from '../../src/engine/index.js';
import { testCompiler } from '../server/helpers/test-policy.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const EP = 'warden/authz/decision';

function policyDir(): string {
  const dir = temporaryDirectory('warden-pm-');
  mkdirSync(join(dir, 'grants', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'a.rego'), 'package a\n');
  writeFileSync(join(dir, 'a_test.rego'), 'package a_test\nFAIL this is a test module and is not compiled\n');
  writeFileSync(join(dir, 'grants', 'data.yaml'), 'alice:\n  read: true\n');
  writeFileSync(join(dir, 'grants', 'nested', 'data.json'), '{"x": 1}');
  return dir;
}

test('a policy directory in bundle layout: modules anywhere, data mounted by folder, tests left out', async (t) => {
  const dir = policyDir();
  let seen: Array<{ path: string }> = [];
  const compiler: PolicyCompiler = async (modules, entrypoints) => {
    seen = modules;
    t.deepEqual(entrypoints, [EP]);
    return testCompiler()(modules, entrypoints);
  };
  const rev = await loadRevision({ policies: dir, entrypoints: [EP], compiler });
  t.deepEqual(seen.map((m) => m.path), [join(dir, 'a.rego')]);
  const engine = new Engine();
  engine.swap(rev);
  t.true(engine.decide({ action: 'read', subject: { id: 'alice' } }, EP).decision.allow);
  const again = await loadRevision({ policies: dir, entrypoints: [EP], compiler });
  t.is(again.id, rev.id, 'equal sources give equal revision ids');
});

test('load errors carry stable codes and compiler diagnostics', async (t) => {
  const dir = policyDir();
  writeFileSync(join(dir, 'b.rego'), 'FAIL\n');
  const e = await t.throwsAsync(loadRevision({ policies: dir, entrypoints: [EP], compiler: testCompiler() }), { instanceOf: EngineError });
  t.is(e?.code, 'engine_compile_failed');
  t.deepEqual(e?.details, [`${join(dir, 'b.rego')}:1:1: rego_parse_error: test failure`]);
  const missing = await t.throwsAsync(loadRevision({ policies: join(dir, 'nope'), entrypoints: [EP], compiler: testCompiler() }), { instanceOf: EngineError });
  t.is(missing?.code, 'engine_policy_files');
  const empty = temporaryDirectory('warden-pm-');
  t.is((await t.throwsAsync(loadRevision({ policies: empty, entrypoints: [EP], compiler: testCompiler() })) as EngineError).code, 'engine_policy_files');
  t.is((await t.throwsAsync(loadRevision({ policies: dir, entrypoints: [EP] })) as EngineError).code, 'engine_invalid_config');
});

test('a bundle that is not a bundle is engine_policy_files', async (t) => {
  const file = join(temporaryDirectory('warden-pm-'), 'bundle.tar.gz');
  writeFileSync(file, gzipSync('not a tar'));
  const e = await t.throwsAsync(loadRevision({ bundle: file, entrypoints: [EP], compiler: testCompiler() }), { instanceOf: EngineError });
  t.is(e?.code, 'engine_policy_files');
});

test('the manager swaps changes in, keeps the last good revision on failure, and never overlaps reloads', async (t) => {
  const dir = policyDir();
  const engine = new Engine();
  const results: ReloadResult[] = [];
  const calls = { count: 0 };
  const manager = new PolicyManager(engine, { policies: dir, entrypoints: [EP], compiler: testCompiler(calls), debounceMs: 20, onReload: (r) => results.push(r) });
  try {
    t.true((await manager.load()).ok);
    const first = engine.revision!.id;
    const same = await manager.load();
    t.true(same.ok && !same.changed, 'an unchanged source swaps nothing');
    manager.watch();
    writeFileSync(join(dir, 'grants', 'data.yaml'), 'alice:\n  write: true\n');
    const deadline = Date.now() + 2000;
    while (engine.revision!.id === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.not(engine.revision!.id, first);
    const good = engine.revision!.id;
    writeFileSync(join(dir, 'c.rego'), 'FAIL\n');
    while (!results.some((r) => !r.ok) && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 20));
    t.is(engine.revision!.id, good);
    rmSync(join(dir, 'c.rego'));
    const [a, b] = await Promise.all([manager.load(), manager.load()]);
    t.is(a, b, 'a load during a load joins it');
  } finally {
    await manager.close();
  }
});

test('bundles: Wasm and plan bundles load without a compiler; the manifest revision names the revision', async (t) => {
  const { writeBundle } = await import('../../src/bundle/index.js');
  const { compilePlan } = await import('../../src/wasm/index.js');
  const { testPlan } = await import('../server/helpers/test-policy.js');
  const dir = temporaryDirectory('warden-pm-');
  const wasmBundle = join(dir, 'wasm.tar.gz');
  writeFileSync(wasmBundle, await writeBundle({ manifest: { revision: 'v42' }, data: { grants: { alice: { read: true } } }, modules: [], wasm: await compilePlan(testPlan()) }));
  const rev = await loadRevision({ bundle: wasmBundle, entrypoints: [EP] });
  t.is(rev.id, 'v42');
  const engine = new Engine();
  engine.swap(rev);
  t.true(engine.decide({ action: 'read', subject: { id: 'alice' } }, EP).decision.allow);
  const planBundle = join(dir, 'plan.tar.gz');
  writeFileSync(planBundle, await writeBundle({ manifest: {}, data: {}, modules: [], plan: testPlan() }));
  const planRev = await loadRevision({ bundle: planBundle, entrypoints: [EP] });
  t.regex(planRev.id, /^[0-9a-f]{12}$/);
});

// Hot reload must follow every way a policy directory is written, never by inode, within 2 s.

const ALICE = { action: 'read', subject: { id: 'alice' } };
const BOB = { action: 'read', subject: { id: 'bob' } };
type Input = typeof ALICE;

function writeTree(dir: string, grants: Record<string, unknown>): void {
  mkdirSync(join(dir, 'grants'), { recursive: true });
  writeFileSync(join(dir, 'authz.rego'), 'package warden.authz\n');
  writeFileSync(join(dir, 'grants', 'data.json'), JSON.stringify(grants));
}

function allowed(engine: Engine, input: Input): boolean {
  return engine.decide(input, EP).decision.allow;
}

/** A manager on a real directory, loaded and watched, with its source events recorded. */
async function watched(t: ExecutionContext, dir: string, options: Partial<PolicyManagerOptions> = {}) {
  const engine = new Engine();
  const events: SourceEvent[] = [];
  const manager = new PolicyManager(engine, { policies: dir, entrypoints: [EP], compiler: testCompiler(), onSourceEvent: (e) => events.push(e), ...options });
  t.teardown(() => manager.close());
  t.true((await manager.load()).ok);
  manager.watch();
  return { engine, events, manager };
}

/** Waits until the serving revision differs from `before` and `input` is decided `allow`; fails after 2 s. */
async function observed(t: ExecutionContext, engine: Engine, before: string, input: Input, allow: boolean, what: string): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < 2000) {
    if (engine.revision!.id !== before && allowed(engine, input) === allow) return engine.revision!.id;
    await new Promise((r) => setTimeout(r, 20));
  }
  t.fail(`${what}: not observed within 2 s`);
  return engine.revision!.id;
}

for (const watchEvents of [true, false]) {
  const mode = watchEvents ? 'events and polling' : 'polling alone';

  test(`reload (${mode}): in-place write, file renamed over twice, new file, deleted file`, async (t) => {
    const dir = temporaryDirectory('warden-pm-');
    writeTree(dir, { alice: { read: true } });
    const { engine } = await watched(t, dir, { watchEvents });
    let rev = engine.revision!.id;
    t.true(allowed(engine, ALICE));

    writeFileSync(join(dir, 'grants', 'data.json'), JSON.stringify({ alice: { read: false } }));
    rev = await observed(t, engine, rev, ALICE, false, 'in-place write');

    // How editors, kubectl cp and git checkout write: a new file renamed over the old one.
    writeFileSync(join(dir, 'grants', 'data.json.tmp'), JSON.stringify({ alice: { read: true } }));
    renameSync(join(dir, 'grants', 'data.json.tmp'), join(dir, 'grants', 'data.json'));
    rev = await observed(t, engine, rev, ALICE, true, 'rename over');
    // A watch that followed the replaced inode would miss this one.
    writeFileSync(join(dir, 'grants', 'data.json.tmp'), JSON.stringify({ alice: { read: false } }));
    renameSync(join(dir, 'grants', 'data.json.tmp'), join(dir, 'grants', 'data.json'));
    rev = await observed(t, engine, rev, ALICE, false, 'second rename over');
    writeFileSync(join(dir, 'grants', 'data.json'), JSON.stringify({ alice: { read: true } }));
    rev = await observed(t, engine, rev, ALICE, true, 'in-place write after renames');

    mkdirSync(join(dir, 'grants', 'bob'));
    writeFileSync(join(dir, 'grants', 'bob', 'data.json'), JSON.stringify({ read: true }));
    rev = await observed(t, engine, rev, BOB, true, 'new file in a new folder');
    rmSync(join(dir, 'grants', 'bob', 'data.json'));
    await observed(t, engine, rev, BOB, false, 'deleted file');
  });

  test(`reload (${mode}): a directory removed keeps the last good revision, and is reloaded when recreated`, async (t) => {
    const dir = temporaryDirectory('warden-pm-');
    writeTree(dir, { alice: { read: true } });
    const { engine, events } = await watched(t, dir, { watchEvents });
    const rev = engine.revision!.id;

    rmSync(dir, { recursive: true });
    const started = Date.now();
    while (!events.some((e) => e.kind === 'unreadable') && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 20));
    const down = events.find((e) => e.kind === 'unreadable');
    t.is(down?.kind === 'unreadable' ? down.error.code : undefined, 'engine_policy_files', 'a removed directory is reported within 2 s');
    t.is(engine.revision!.id, rev, 'the last good revision keeps serving');
    t.true(allowed(engine, ALICE));

    writeTree(dir, { alice: { read: false }, bob: { read: true } });
    await observed(t, engine, rev, BOB, true, 'recreated directory');
    t.false(allowed(engine, ALICE));
    t.true(events.some((e) => e.kind === 'restored'));
  });

  test(`reload (${mode}): Kubernetes ConfigMap ..data symlink swaps`, async (t) => {
    const dir = temporaryDirectory('warden-pm-');
    const version = (name: string, grants: Record<string, unknown>) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'authz.rego'), 'package warden.authz\n');
      writeFileSync(join(dir, name, 'data.json'), JSON.stringify({ grants }));
    };
    // What the kubelet does: a timestamped folder, `..data` pointing at it, each key a symlink through `..data`.
    version('..2026_a', { alice: { read: true } });
    symlinkSync('..2026_a', join(dir, '..data'));
    symlinkSync('..data/authz.rego', join(dir, 'authz.rego'));
    symlinkSync('..data/data.json', join(dir, 'data.json'));
    const swap = (from: string, to: string, grants: Record<string, unknown>) => {
      version(to, grants);
      symlinkSync(to, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, from), { recursive: true });
    };
    const { engine } = await watched(t, dir, { watchEvents });
    let rev = engine.revision!.id;
    t.true(allowed(engine, ALICE));

    swap('..2026_a', '..2026_b', { alice: { read: false } });
    rev = await observed(t, engine, rev, ALICE, false, 'first swap');
    swap('..2026_b', '..2026_c', { alice: { read: true } });
    await observed(t, engine, rev, ALICE, true, 'second swap');
  });
}

test('reload: a bundle file replaced by rename, twice, and its folder removed and recreated', async (t) => {
  const { writeBundle } = await import('../../src/bundle/index.js');
  const { compilePlan } = await import('../../src/wasm/index.js');
  const { testPlan } = await import('../server/helpers/test-policy.js');
  const wasm = await compilePlan(testPlan());
  const dir = temporaryDirectory('warden-pm-');
  const file = join(dir, 'bundle.tar.gz');
  const write = async (revision: string, read: boolean) => {
    writeFileSync(`${file}.tmp`, await writeBundle({ manifest: { revision }, data: { grants: { alice: { read } } }, modules: [], wasm }));
    renameSync(`${file}.tmp`, file);
  };
  await write('v1', true);
  const engine = new Engine();
  const manager = new PolicyManager(engine, { bundle: file, entrypoints: [EP] });
  t.teardown(() => manager.close());
  t.true((await manager.load()).ok);
  manager.watch();
  await write('v2', false);
  t.is(await observed(t, engine, 'v1', ALICE, false, 'first rename'), 'v2');
  await write('v3', true);
  t.is(await observed(t, engine, 'v2', ALICE, true, 'second rename'), 'v3');
  rmSync(dir, { recursive: true });
  await new Promise((r) => setTimeout(r, 300));
  mkdirSync(dir);
  await write('v4', false);
  t.is(await observed(t, engine, 'v3', ALICE, false, 'recreated folder'), 'v4');
});

test('a revision without the requested entrypoints is a failed load; on reload the last good revision keeps serving', async (t) => {
  const { compile } = await import('../../src/rego/index.js');
  const compiler: PolicyCompiler = (modules, entrypoints) => compile({ modules, entrypoints });
  const dir = temporaryDirectory('warden-pm-');
  writeFileSync(join(dir, 'authz.rego'), 'package warden.authz\n\ndecision := {"allow": true, "reasons": []}\n');
  const engine = new Engine();
  const manager = new PolicyManager(engine, { policies: dir, entrypoints: [EP], compiler });
  try {
    t.true((await manager.load()).ok);
    const good = engine.revision!.id;
    // The rule renamed: Rego without a rule for the entrypoint does not compile.
    writeFileSync(join(dir, 'authz.rego'), 'package warden.authz\n\ndecisions := {"allow": true, "reasons": []}\n');
    const renamed = await manager.load();
    t.false(renamed.ok);
    if (!renamed.ok) {
      t.is(renamed.error.code, 'engine_compile_failed');
      t.deepEqual(renamed.error.details, [`<entrypoint>:1:1: rego_compile_error: entrypoint "${EP}" does not refer to a rule or policy decision`]);
    }
    t.is(engine.revision!.id, good);
    t.true(engine.decide({}, EP).decision.allow);
  } finally {
    await manager.close();
  }
  // A module built for other entrypoints (a Wasm bundle) does not load.
  const { writeBundle } = await import('../../src/bundle/index.js');
  const { compilePlan } = await import('../../src/wasm/index.js');
  const { testPlan } = await import('../server/helpers/test-policy.js');
  const bundle = join(dir, 'wasm.tar.gz');
  writeFileSync(bundle, await writeBundle({ manifest: { revision: 'v1' }, data: {}, modules: [], wasm: await compilePlan(testPlan()) }));
  const e = await t.throwsAsync(loadRevision({ bundle, entrypoints: [EP, 'warden/authz/verdict'] }), { instanceOf: EngineError });
  t.is(e?.code, 'engine_load_failed');
  t.regex(e?.message ?? '', /has no entrypoint warden\/authz\/verdict \(it has warden\/authz\/decision, warden\/envoy\/decision\)/);
});
