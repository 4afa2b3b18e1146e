/**
 * What every `ProtectionStore` must do, as one suite run against each store (memory, Redis): on the
 * wall clock, since a shared store reads its own (Redis's `TIME`), so waits here are only ever lower
 * bounds — longer than a window or a refill — never exact.
 */
import type { ExecutionContext, TestFn } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_DISTINCT_MEMBERS } from '../../src/protection/memory-store.js';
import type { ProtectionStore } from '../../src/protection/store.js';

/** Makes a fresh, empty store for one test; `done` closes it. */
export type StoreMaker = () => Promise<{ store: ProtectionStore; done?: () => Promise<void> }>;

export function storeContract(test: TestFn, name: string, make: StoreMaker): void {
  const withStore = (title: string, body: (store: ProtectionStore, t: ExecutionContext) => Promise<void>) =>
    test(`${name}: ${title}`, async (t) => {
      const { store, done } = await make();
      t.teardown(async () => done?.());
      await body(store, t);
    });

  withStore('a bucket gives its burst, then refuses and says when to retry', async (store, t) => {
    const rate = { perSecond: 1, burst: 3 };
    for (const remaining of [2, 1, 0]) t.like(await store.take('k', 1, rate, Date.now()), { ok: true, remaining });
    const refused = await store.take('k', 1, rate, Date.now());
    t.false(refused.ok);
    t.is(refused.remaining, 0);
    t.true(refused.retryAfterMs > 0 && refused.retryAfterMs <= 1000, `retry after ${refused.retryAfterMs} ms`);
    t.like(await store.take('other', 1, rate, Date.now()), { ok: true, remaining: 2 }, 'keys are apart');
  });

  withStore('a take of more than there is takes nothing', async (store, t) => {
    const rate = { perSecond: 0.001, burst: 3 };
    t.like(await store.take('k', 2, rate, Date.now()), { ok: true });
    t.like(await store.take('k', 2, rate, Date.now()), { ok: false });
    t.like(await store.take('k', 1, rate, Date.now()), { ok: true, remaining: 0 });
  });

  withStore('a bucket refills at its rate', async (store, t) => {
    const rate = { perSecond: 50, burst: 1 };
    t.like(await store.take('k', 1, rate, Date.now()), { ok: true });
    await sleep(100);
    t.like(await store.take('k', 1, rate, Date.now()), { ok: true }, '20 ms per token; 100 ms passed');
  });

  withStore('a bucket that never refills says so', async (store, t) => {
    const rate = { perSecond: 0, burst: 1 };
    t.like(await store.take('k', 1, rate, Date.now()), { ok: true });
    t.deepEqual(await store.take('k', 1, rate, Date.now()), { ok: false, remaining: 0, retryAfterMs: Number.POSITIVE_INFINITY });
  });

  withStore('a window counts the events within it and forgets older ones', async (store, t) => {
    t.is(await store.count('w', 1, 60_000, Date.now()), 1);
    t.is(await store.count('w', 2, 60_000, Date.now()), 3);
    t.is(await store.count('short', 5, 200, Date.now()), 5);
    await sleep(450);
    t.is(await store.count('short', 1, 200, Date.now()), 1, 'the first five aged out');
    t.is(await store.count('w', 0, 60_000, Date.now()), 3, 'the long window still holds its three');
  });

  withStore('distinct members within a window, each counted once, at most MAX_DISTINCT_MEMBERS', async (store, t) => {
    t.is(await store.distinct('id', '10.0.0.1', 60_000, Date.now()), 1);
    t.is(await store.distinct('id', '10.0.0.2', 60_000, Date.now()), 2);
    t.is(await store.distinct('id', '10.0.0.1', 60_000, Date.now()), 2, 'one member counts once');
    t.is(await store.distinct('short', 'a', 200, Date.now()), 1);
    await sleep(450);
    t.is(await store.distinct('short', 'b', 200, Date.now()), 1, 'a aged out');
    let seen = 0;
    for (let i = 0; i < MAX_DISTINCT_MEMBERS + 20; i++) seen = await store.distinct('many', `m${i}`, 60_000, Date.now());
    t.is(seen, MAX_DISTINCT_MEMBERS);
  });

  withStore('a mark holds until its end; a later end extends it, an earlier one does not shorten it', async (store, t) => {
    const now = Date.now();
    await store.mark('ban', now + 60_000);
    t.is(await store.marked('ban', Date.now()), now + 60_000);
    await store.mark('ban', now + 30_000);
    t.is(await store.marked('ban', Date.now()), now + 60_000);
    await store.mark('ban', now + 90_000);
    t.is(await store.marked('ban', Date.now()), now + 90_000);
    t.is(await store.marked('never', Date.now()), undefined);
    await store.mark('brief', Date.now() + 150);
    await sleep(400);
    t.is(await store.marked('brief', Date.now()), undefined, 'ended');
  });
}
