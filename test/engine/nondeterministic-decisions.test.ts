import test from 'ava';
import { buildRevision, Engine } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';

const EP = 'warden/authz/decision';

// Each action takes its own branch: only "until", "dice", "uuid" and "fetch" call a
// non-deterministic builtin, and only when that branch runs.
const POLICY = `package warden.authz

default allow := false

allow if input.action == "read"

allow if {
	input.action == "until"
	time.now_ns() < input.until_ms * 1000000
}

allow if {
	input.action == "dice"
	rand.intn("dice", 2) == 0
}

allow if {
	input.action == "fetch"
	http.send({"method": "get", "url": "http://127.0.0.1:1/"}).status_code == 200
}

reasons := [uuid.rfc4122("r")] if input.action == "uuid"

reasons := [] if input.action != "uuid"

decision := {"allow": allow, "reasons": reasons}
`;

async function engineWith(source = POLICY): Promise<Engine> {
  const wasm = await compile({ modules: [{ path: 'authz.rego', source }], entrypoints: [EP] });
  const engine = new Engine({ maxEntries: 100, ttlMs: 60_000 });
  engine.swap(await buildRevision({ wasm, data: {}, source: 'test' }));
  return engine;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a decision that read the clock is not cached, and follows the time on the next call', async (t) => {
  const engine = await engineWith();
  const input = { action: 'until', until_ms: Date.now() + 1000 };
  t.like(engine.decide(input, EP), { cached: false, decision: { allow: true } });
  t.like(engine.decide(input, EP), { cached: false, decision: { allow: true } });
  await sleep(1100);
  t.like(engine.decide(input, EP), { cached: false, decision: { allow: false } }, 'the deadline passed: no answer from the past');
  t.is(engine.cacheSize, 0);
});

test('decisions that drew a random number or a UUID are not cached; each UUID is new', async (t) => {
  const engine = await engineWith();
  for (let i = 0; i < 5; i++) t.false(engine.decide({ action: 'dice' }, EP).cached);
  const first = engine.decide({ action: 'uuid' }, EP);
  const second = engine.decide({ action: 'uuid' }, EP);
  t.like(first, { cached: false });
  t.like(second, { cached: false });
  t.regex(first.decision.reasons[0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.not(first.decision.reasons[0], second.decision.reasons[0]);
  t.is(engine.cacheSize, 0);
});

test('a deterministic branch of the same policy is still cached, also right after a non-deterministic decision', async (t) => {
  const engine = await engineWith();
  t.false(engine.decide({ action: 'until', until_ms: 0 }, EP).cached);
  t.like(engine.decide({ action: 'read' }, EP), { cached: false, decision: { allow: true } });
  t.like(engine.decide({ action: 'read' }, EP), { cached: true, decision: { allow: true } });
  t.is(engine.cacheSize, 1);
});

test('a non-deterministic builtin that fails leaves nothing behind for the next decision', async (t) => {
  const engine = await engineWith();
  t.like(engine.decide({ action: 'fetch' }, EP), { cached: false, decision: { allow: false, failure: 'error' } });
  t.like(engine.decide({ action: 'read' }, EP), { cached: false });
  t.like(engine.decide({ action: 'read' }, EP), { cached: true });
});

test('a non-deterministic decision is never remembered by request key', async (t) => {
  const engine = await engineWith();
  const input = { action: 'until', until_ms: Date.now() + 60_000 };
  for (let i = 0; i < 3; i++) t.false(engine.decide(input, EP, 'authz', { requestKey: 'req-1' }).cached);
  t.is(engine.recall('req-1', EP), undefined);
  engine.decide({ action: 'read' }, EP, 'authz', { requestKey: 'req-2' });
  engine.decide({ action: 'read' }, EP, 'authz', { requestKey: 'req-2' });
  t.like(engine.recall('req-2', EP), { cached: true, decision: { allow: true } }, 'deterministic decisions still are');
});
