import test from 'ava';
import { compilePlan } from '../../src/wasm/index.js';
import { buildRevision, Engine, EngineError } from '../../src/engine/index.js';
import { testPlan } from '../server/helpers/test-policy.js';

const EP = 'warden/authz/decision';
const grants = (actions: Record<string, boolean>) => ({ grants: { alice: actions } });
const input = (action: string) => ({ action, subject: { id: 'alice' } });

async function revision(data: Record<string, unknown>) {
  return buildRevision({ wasm: await compilePlan(testPlan()), data, source: 'test' });
}

test('no revision: decide throws engine_no_revision', (t) => {
  const e = t.throws(() => new Engine().decide({}, EP), { instanceOf: EngineError });
  t.is(e?.code, 'engine_no_revision');
});

test('decisions are cached per input; failures are not', async (t) => {
  const engine = new Engine({ maxEntries: 100, ttlMs: 60_000 });
  engine.swap(await revision(grants({ read: true })));
  t.like(engine.decide(input('read'), EP), { cached: false, decision: { allow: true } });
  t.like(engine.decide(input('read'), EP), { cached: true, decision: { allow: true } });
  t.like(engine.decide(input('write'), EP), { cached: false, decision: { allow: false, reasons: ['not granted'] } });
  t.like(engine.decide(input('boom'), EP), { cached: false, decision: { failure: 'error' } });
  t.like(engine.decide(input('boom'), EP), { cached: false });
  t.like(engine.decide(input('undefined'), EP), { cached: false, decision: { failure: 'undefined' } });
  t.is(engine.cacheSize, 2);
});

test('a swap serves the new revision with an empty cache', async (t) => {
  const engine = new Engine();
  const r1 = await revision(grants({ read: true }));
  engine.swap(r1);
  engine.decide(input('write'), EP);
  t.true(engine.decide(input('write'), EP).cached);
  const r2 = await revision(grants({ read: true, write: true }));
  t.not(r1.id, r2.id);
  t.is(engine.swap(r2), r1);
  const after = engine.decide(input('write'), EP);
  t.false(after.cached);
  t.true(after.decision.allow);
  t.is(after.revision, r2.id);
});

test('TTL expires cached decisions; size 0 disables the cache', async (t) => {
  const short = new Engine({ ttlMs: 30 });
  short.swap(await revision(grants({ read: true })));
  short.decide(input('read'), EP);
  t.true(short.decide(input('read'), EP).cached);
  await new Promise((r) => setTimeout(r, 60));
  t.false(short.decide(input('read'), EP).cached);
  const off = new Engine({ maxEntries: 0 });
  off.swap(await revision(grants({ read: true })));
  off.decide(input('read'), EP);
  t.false(off.decide(input('read'), EP).cached);
});

test('an entrypoint the module lacks denies with a reason', async (t) => {
  const engine = new Engine();
  engine.swap(await revision({}));
  const d = engine.decide(input('read'), 'no/such/rule');
  t.false(d.decision.allow);
  t.regex(d.decision.reasons[0]!, /has no entrypoint no\/such\/rule/);
});

test('Wasm that does not load is engine_load_failed', async (t) => {
  const e = await t.throwsAsync(buildRevision({ wasm: new Uint8Array([0, 1, 2]), data: {}, source: 'junk' }), { instanceOf: EngineError });
  t.is(e?.code, 'engine_load_failed');
});

test('a decision answered from the cache for a request key is recalled by that key, in that revision only; failures never', async (t) => {
  const engine = new Engine();
  engine.swap(await revision(grants({ read: true })));
  t.is(engine.recall('req-1', EP), undefined);
  const made = engine.decide(input('read'), EP, 'authz', { requestKey: 'req-1' });
  t.false(made.cached);
  t.is(engine.recall('req-1', EP), undefined, 'a request seen once is not remembered by its key');
  const again = engine.decide(input('read'), EP, 'authz', { requestKey: 'req-1' });
  t.true(again.cached);
  const recalled = engine.recall('req-1', EP);
  t.like(recalled, { cached: true, revision: made.revision, decision: { allow: true }, inputJson: made.inputJson });
  t.is(engine.recall('req-1', 'other/entrypoint'), undefined);
  engine.decide(input('boom'), EP, 'authz', { requestKey: 'req-2' });
  engine.decide(input('boom'), EP, 'authz', { requestKey: 'req-2' });
  t.is(engine.recall('req-2', EP), undefined);
  engine.swap(await revision(grants({ read: false })));
  t.is(engine.recall('req-1', EP), undefined);
});

test('a recalled decision lives no longer than the cached decision it came from', async (t) => {
  const engine = new Engine({ ttlMs: 1000 });
  engine.swap(await revision(grants({ read: true })));
  engine.decide(input('read'), EP);
  await new Promise((resolve) => setTimeout(resolve, 600));
  // Cached 600 ms ago and remembered now: it must expire with the cached one, not 1 s from now.
  t.true(engine.decide(input('read'), EP, 'authz', { requestKey: 'late' }).cached);
  t.truthy(engine.recall('late', EP));
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.is(engine.recall('late', EP), undefined);
});

test('a decision another thread answered from its cache is remembered for what it has left there; fresh ones and other revisions are not', async (t) => {
  const engine = new Engine();
  engine.swap(await revision(grants({ read: true })));
  const id = engine.revision!.id;
  const decision = { allow: true, reasons: [] };
  engine.rememberCached('fresh', EP, 'authz', { decision, revision: id, cached: false, inputJson: '{}' });
  t.is(engine.recall('fresh', EP), undefined);
  engine.rememberCached('elsewhere', EP, 'authz', { decision, revision: 'other', cached: true, inputJson: '{}', ttlLeftMs: 1000 });
  t.is(engine.recall('elsewhere', EP), undefined);
  engine.rememberCached('short', EP, 'authz', { decision, revision: id, cached: true, inputJson: '{"a":1}', ttlLeftMs: 100 });
  t.like(engine.recall('short', EP), { cached: true, inputJson: '{"a":1}', decision });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.is(engine.recall('short', EP), undefined);
});

test('the input can come as its JSON text, which is what the policy then sees', async (t) => {
  const engine = new Engine();
  engine.swap(await revision(grants({ read: true })));
  const outcome = engine.decide({ ignored: true }, EP, 'authz', { inputJson: JSON.stringify(input('read')) });
  t.true(outcome.decision.allow);
  t.is(outcome.inputJson, JSON.stringify(input('read')));
});
