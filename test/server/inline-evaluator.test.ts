import test from 'ava';
import { recordTail } from '../../src/audit/index.js';
import { buildRevision, Engine, type PolicyRevision } from '../../src/engine/index.js';
import { InlineEvaluator } from '../../src/server/check-worker/inline-evaluator.js';
import { compile } from '../../src/rego/index.js';
import type { EvaluationPool } from '../../src/server/check-worker/evaluation-pool.js';
import type { Check, CheckRoute } from '../../src/server/check-route/check.js';
import { decideStage } from '../../src/server/check-route/decide-stage.js';

// The serving thread's own evaluations of cache misses: made once an instance of the serving
// revision is built here, the same decisions as the engine's, and never where an evaluation could
// run on unbounded (a slice used up, a host builtin with no bound, a revision too large to hold twice).

const POLICY = `package t

decision := {"allow": allow, "reasons": [sprintf("%s may %s", [input.user, input.action])]}

allow if data.grants[input.user][_] == input.action

slow := {"allow": n > 0, "reasons": []} if n := count([1 | some i, j; input.xs[i] < input.xs[j]])
`;
const REGEX_POLICY = `package t

decision := {"allow": regex.match(input.pattern, input.user), "reasons": []}
`;
const DATA = { grants: { alice: ['read'], bob: ['write'] } };

async function revision(source = POLICY, data: Record<string, unknown> = DATA): Promise<PolicyRevision> {
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: source === POLICY ? ['t/decision', 't/slow'] : ['t/decision'] });
  return buildRevision({ wasm, data, source: 'test' });
}

/** Waits until `inline` makes `serving`'s decisions itself (its instance built), or fails after 5 s. */
async function whenReady(inline: InlineEvaluator, serving: PolicyRevision): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 5) {
    if (inline.ready(serving)) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

test('once its instance is built, the serving thread decides misses as the engine does', async (t) => {
  const serving = await revision();
  const inline = new InlineEvaluator({ budgetMs: 1000 });
  const engine = new Engine();
  engine.swap(serving);
  const input = '{"action":"read","user":"alice"}';
  t.is(inline.evaluate(serving, input, 't/decision', 'authz'), undefined, 'the first miss goes to the pool while the instance is built');
  t.true(await whenReady(inline, serving));
  for (const inputJson of [input, '{"action":"write","user":"alice"}', '{"action":"write","user":"bob"}', '{}']) {
    const made = inline.evaluate(serving, inputJson, 't/decision', 'authz');
    t.deepEqual(made, { decision: engine.decide(undefined, 't/decision', 'authz', { inputJson }).decision, revision: serving.id, volatile: false });
  }
  const next = await revision(POLICY, { grants: { alice: ['write'] } });
  t.is(inline.evaluate(next, input, 't/decision', 'authz'), undefined, 'a new revision is built first');
  t.true(await whenReady(inline, next));
  t.false(inline.evaluate(next, input, 't/decision', 'authz')!.decision.allow);
});

test('an evaluation that outlasts its slice goes to the pool, and misses pause here for a while', async (t) => {
  const serving = await revision();
  const used: string[] = [];
  const inline = new InlineEvaluator({ budgetMs: 1000, sliceUnits: 10_000, pauseMs: 300, onSliceUsedUp: (id) => used.push(id) });
  t.true(await whenReady(inline, serving));
  const xs = JSON.stringify({ xs: Array.from({ length: 1000 }, (_, i) => i) });
  const started = performance.now();
  t.is(inline.evaluate(serving, xs, 't/slow', 'authz'), undefined);
  t.log(`a slice of 10,000 units was used up in ${(performance.now() - started).toFixed(2)} ms`);
  t.deepEqual(used, [serving.id]);
  t.is(inline.evaluate(serving, '{"action":"read","user":"alice"}', 't/decision', 'authz'), undefined, 'paused');
  await new Promise((resolve) => setTimeout(resolve, 350));
  t.true(await whenReady(inline, serving), 'a fresh instance after the pause');
  t.true(inline.evaluate(serving, '{"action":"read","user":"alice"}', 't/decision', 'authz')!.decision.allow);
  t.true(inline.evaluate(serving, JSON.stringify({ xs: [1, 2] }), 't/slow', 'authz')!.decision.allow, 'a short run of the same rule fits its slice');
});

/** Gives `inline` time to build an instance of `serving` (at most one a second); true if it ever made its decisions. */
async function everReady(inline: InlineEvaluator, serving: PolicyRevision): Promise<boolean> {
  for (let waited = 0; waited < 1500; waited += 10) {
    if (inline.evaluate(serving, '{"pattern":"^a","user":"alice"}', 't/decision', 'authz')) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

test('a policy that calls a host builtin with no bound, or a revision too large to hold twice, is left to the pool', async (t) => {
  const inline = new InlineEvaluator({ budgetMs: 1000 });
  t.false(await everReady(inline, await revision(REGEX_POLICY)), 'regex.match can backtrack for as long as it likes');
  const small = new InlineEvaluator({ budgetMs: 1000, maxBytes: 1000 });
  t.false(await everReady(small, await revision()));
  t.true(await everReady(inline, await revision()), 'the same revision, under the default size');
});

/** Notes `calls` calls in one turn of the event loop, and lets the turn end. */
async function turn(inline: InlineEvaluator, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) inline.noteCall();
  await new Promise((resolve) => setImmediate(resolve));
}

/** A concurrent load: turns of the event loop that each bring many calls. */
async function concurrentLoad(inline: InlineEvaluator): Promise<void> {
  for (let i = 0; i < 8; i++) await turn(inline, 30);
}

test('misses go to the pool while calls arrive together, and come back once they come one at a time', async (t) => {
  const serving = await revision();
  const inline = new InlineEvaluator({ budgetMs: 1000 });
  t.true(await whenReady(inline, serving));
  await turn(inline, 1);
  t.true(inline.ready(serving), 'one call per turn');
  inline.noteCall();
  inline.noteCall();
  t.false(inline.ready(serving), 'the second call of a turn');
  await turn(inline, 30);
  t.true(inline.ready(serving), 'one burst is no concurrent load');
  // A concurrent load's calls queue on their connections and are read together.
  await concurrentLoad(inline);
  t.false(inline.ready(serving));
  t.is(inline.evaluate(serving, '{"action":"read","user":"alice"}', 't/decision', 'authz'), undefined);
  let turns = 0;
  while (!inline.ready(serving) && turns < 100) {
    await turn(inline, 1);
    turns++;
  }
  t.log(`back on the serving thread after ${turns} turns of one call`);
  t.true(turns > 1 && turns < 100);
  t.true(inline.evaluate(serving, '{"action":"read","user":"alice"}', 't/decision', 'authz')!.decision.allow);
});

test('a decision made here is kept by its input and by its request, so the same request is recalled even when a worker would take it next', async (t) => {
  const serving = await revision();
  const inline = new InlineEvaluator({ budgetMs: 1000 });
  t.true(await whenReady(inline, serving));
  const engine = new Engine();
  engine.swap(serving);
  // The pool is never asked: a call to it would throw.
  const stage = decideStage({ engine, pool: {} as EvaluationPool, inline });
  const route = { entrypoint: 't/decision', shape: 'authz' } as CheckRoute;
  const inputJson = '{"action":"read","user":"alice"}';
  const check = { state: {} as Check['state'], route, inputJson, requestKey: 'connection\0bytes' } as Check;
  t.is(stage.run(check), undefined, 'decided in the same turn');
  t.like(check.outcome, { cached: false, decision: { allow: true } });
  t.like(engine.recall('connection\0bytes', 't/decision', 'authz'), { cached: true, inputJson, decision: { allow: true } });
  t.like(engine.lookup(inputJson, 't/decision', 'authz'), { cached: true, decision: { allow: true } });
});

test("a worker's fresh decision is kept on the serving thread while it has room to decide the next itself, not under a concurrent load", async (t) => {
  const serving = await revision();
  const engine = new Engine();
  engine.swap(serving);
  const inputJson = '{"action":"read","user":"alice"}';
  const decision = { allow: true, reasons: ['alice may read'] };
  const logTail = recordTail({ allowed: true, reasons: decision.reasons, revision: serving.id, cached: false }, inputJson);
  const result = { id: 1, kind: 'decided', revision: serving.id, ...decision, cached: false, inputLength: inputJson.length, answer: { body: Buffer.alloc(0), logTail } };
  const pool = { check: async () => result } as unknown as EvaluationPool;
  const route = { entrypoint: 't/decision', shape: 'authz' } as CheckRoute;
  const run = async (inline: InlineEvaluator) => {
    const check = { state: { connection: { key: 'k' } } as unknown as Check['state'], route, bytes: Buffer.from('request'), requestKey: 'k\0request' } as Check;
    await decideStage({ engine, pool, inline }).run(check);
    t.like(check.outcome, { cached: false, inputJson, decision });
  };
  // Neither ever decides here (a revision too large): the bytes go to the pool.
  const loaded = new InlineEvaluator({ budgetMs: 1000, maxBytes: 0 });
  await concurrentLoad(loaded);
  await run(loaded);
  t.is(engine.lookup(inputJson, 't/decision', 'authz'), undefined);
  await run(new InlineEvaluator({ budgetMs: 1000, maxBytes: 0 }));
  t.like(engine.lookup(inputJson, 't/decision', 'authz'), { cached: true, decision });
});
