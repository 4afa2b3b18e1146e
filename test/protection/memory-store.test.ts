import test from 'ava';
import { MemoryStore } from '../../src/protection/memory-store.js';

const rate = { perSecond: 10, burst: 3 };

test('a bucket gives its burst, then refills at its rate, and says when to retry', (t) => {
  const store = new MemoryStore();
  t.like(store.take('k', 1, rate, 0), { ok: true, remaining: 2 });
  t.like(store.take('k', 1, rate, 0), { ok: true, remaining: 1 });
  t.like(store.take('k', 1, rate, 0), { ok: true, remaining: 0 });
  t.deepEqual(store.take('k', 1, rate, 0), { ok: false, remaining: 0, retryAfterMs: 100 });
  t.like(store.take('k', 1, rate, 50), { ok: false, retryAfterMs: 50 });
  t.like(store.take('k', 1, rate, 100), { ok: true });
  t.like(store.take('k', 3, rate, 10_000), { ok: true, remaining: 0 }, 'refills to the burst, no more');
  t.like(store.take('other', 1, rate, 0), { ok: true, remaining: 2 }, 'keys are apart');
});

test('a take of more than there is takes nothing', (t) => {
  const store = new MemoryStore();
  t.like(store.take('k', 2, rate, 0), { ok: true });
  t.like(store.take('k', 2, rate, 0), { ok: false, retryAfterMs: 100 });
  t.like(store.take('k', 1, rate, 0), { ok: true, remaining: 0 });
});

test('a window counts the events within it, and forgets older ones', (t) => {
  const store = new MemoryStore();
  t.is(store.count('w', 1, 8000, 0), 1);
  t.is(store.count('w', 2, 8000, 3000), 3);
  t.is(store.count('w', 1, 8000, 7999), 4);
  t.is(store.count('w', 1, 8000, 9000), 4, 'the event at 0 aged out');
  t.is(store.count('w', 0, 8000, 30_000), 0, 'all aged out');
});

test('distinct members within a window', (t) => {
  const store = new MemoryStore();
  t.is(store.distinct('id', '10.0.0.1', 1000, 0), 1);
  t.is(store.distinct('id', '10.0.0.2', 1000, 100), 2);
  t.is(store.distinct('id', '10.0.0.1', 1000, 200), 2, 'one member counts once');
  t.is(store.distinct('id', '10.0.0.3', 1000, 1150), 2, 'the second was last seen at 100: gone');
});

test('a mark holds until its end; a later end extends it, an earlier one does not shorten it', (t) => {
  const store = new MemoryStore();
  store.mark('ban', 1000);
  t.is(store.marked('ban', 500), 1000);
  store.mark('ban', 800);
  t.is(store.marked('ban', 900), 1000);
  store.mark('ban', 2000);
  t.is(store.marked('ban', 1500), 2000);
  t.is(store.marked('ban', 2000), undefined);
  t.is(store.marked('never', 0), undefined);
});

test('bounded: a flood of new keys evicts the least recently used, counts them, and cannot push out marks', (t) => {
  const store = new MemoryStore({ maxEntries: 100, maxMarks: 10 });
  store.mark('ban:203.0.113.9', 60_000);
  for (let i = 0; i < 10_000; i++) store.take(`ip:${i}`, 1, rate, i);
  t.is(store.size, 101);
  t.is(store.evictions, 9900);
  t.is(store.marked('ban:203.0.113.9', 50_000), 60_000);
});
