import test from 'ava';
import { FallbackStore, type RemoteStore } from '../../src/protection/fallback-store.js';
import { MemoryStore } from '../../src/protection/memory-store.js';
import type { TakeResult } from '../../src/protection/store.js';

/** A remote store whose answers the test holds back or fails, counting what it is asked. */
class ControlledRemote implements RemoteStore {
  readonly evictions = 0;
  asked = 0;
  pings = 0;
  mode: 'answer' | 'hang' | 'fail' = 'answer';
  private readonly shared = new MemoryStore();

  private reply<T>(value: () => T): Promise<T> {
    this.asked++;
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    if (this.mode === 'fail') return Promise.reject(new Error('connection refused'));
    return Promise.resolve(value());
  }
  connect = async () => undefined;
  ping = async () => {
    this.pings++;
    if (this.mode !== 'answer') throw new Error('still down');
    return true;
  };
  close = async () => undefined;
  take = (key: string, n: number, rate: { perSecond: number; burst: number }, nowMs: number): Promise<TakeResult> => this.reply(() => this.shared.take(key, n, rate, nowMs));
  count = (key: string, n: number, windowMs: number, nowMs: number) => this.reply(() => this.shared.count(key, n, windowMs, nowMs));
  distinct = (key: string, member: string, windowMs: number, nowMs: number) => this.reply(() => this.shared.distinct(key, member, windowMs, nowMs));
  mark = (key: string, untilMs: number) => this.reply(() => this.shared.mark(key, untilMs));
  marked = (key: string, nowMs: number) => this.reply(() => this.shared.marked(key, nowMs));
  unmark = (key: string) => this.reply(() => this.shared.unmark(key));
}

const rate = { perSecond: 0.001, burst: 2 };

async function watched(remote: RemoteStore, options: { budgetMs?: number; probeEveryMs?: number } = {}) {
  const seen = { fallbacks: 0, changes: [] as boolean[] };
  const store = new FallbackStore(remote, new MemoryStore(), { failuresToOpen: 3, ...options, onFallback: () => seen.fallbacks++, onStateChange: (up) => seen.changes.push(up) });
  await upAgain(store);
  seen.changes.length = 0;
  return { store, seen };
}

async function upAgain(store: FallbackStore): Promise<void> {
  while (!store.up) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('until connected, answers come from local state', async (t) => {
  const remote = new ControlledRemote();
  let fallbacks = 0;
  const store = new FallbackStore(remote, new MemoryStore(), { onFallback: () => fallbacks++ });
  t.false(store.up);
  t.like(store.take('k', 1, rate, 0), { ok: true }, 'at once, not a promise');
  t.is(remote.asked, 0);
  t.is(fallbacks, 1);
  await upAgain(store);
  await store.take('k', 1, rate, 0);
  t.is(remote.asked, 1);
});

test('a remote store that answers is the one asked: no fallback', async (t) => {
  const remote = new ControlledRemote();
  const { store, seen } = await watched(remote);
  t.like(await store.take('k', 1, rate, 0), { ok: true, remaining: 1 });
  t.is(await store.count('w', 2, 1000, 0), 2);
  t.is(remote.asked, 2);
  t.is(seen.fallbacks, 0);
  t.true(store.up);
});

test('a remote store that hangs: each answer comes from local state after the budget, and after 3 it is not asked at all', async (t) => {
  const remote = new ControlledRemote();
  const { store, seen } = await watched(remote, { budgetMs: 20, probeEveryMs: 60_000 });
  t.teardown(() => store.close());
  remote.mode = 'hang';
  const started = Date.now();
  for (let i = 0; i < 10; i++) await store.take('k', 1, rate, 0);
  t.true(Date.now() - started < 5000, 'did not wait seconds');
  t.is(remote.asked, 3, 'asked until the circuit opened, then no more');
  t.is(seen.fallbacks, 10);
  t.deepEqual(seen.changes, [false], 'one change, down');
  t.false(store.up);
  t.like(await store.take('k', 1, rate, 0), { ok: false }, 'the local bucket of 2 was spent by the fallbacks');
});

test('a remote store that fails falls back at once, and is probed until it answers again', async (t) => {
  const remote = new ControlledRemote();
  const { store, seen } = await watched(remote, { probeEveryMs: 20 });
  t.teardown(() => store.close());
  remote.mode = 'fail';
  for (let i = 0; i < 5; i++) t.like(await store.take('k', 1, { perSecond: 0.001, burst: 100 }, 0), { ok: true });
  t.is(seen.fallbacks, 5);
  t.false(store.up);
  remote.mode = 'answer';
  await upAgain(store);
  t.true(remote.pings >= 1);
  t.deepEqual(seen.changes, [false, true]);
  const asked = remote.asked;
  await store.take('k', 1, rate, 0);
  t.is(remote.asked, asked + 1, 'asked again');
});

test('a ban made while falling back stays local, and still holds here after the remote store is back', async (t) => {
  const remote = new ControlledRemote();
  const { store } = await watched(remote, { probeEveryMs: 20 });
  t.teardown(() => store.close());
  remote.mode = 'fail';
  for (let i = 0; i < 3; i++) await store.count('w', 1, 1000, 0);
  await store.mark('ban:x', 10_000);
  remote.mode = 'answer';
  await upAgain(store);
  t.is(await store.marked('ban:x', 5000), 10_000, 'held here');
  t.is(await remote.marked('ban:x', 5000), undefined, 'never reached the shared store');
});

test('a ban made while the remote store answers is kept in both', async (t) => {
  const remote = new ControlledRemote();
  const { store } = await watched(remote);
  await store.mark('ban:y', 10_000);
  t.is(await remote.marked('ban:y', 5000), 10_000);
  t.is(await store.marked('ban:y', 5000), 10_000);
});
