import test from 'ava';
import { BoundedCache } from '../../src/builtins/bounded-cache.js';

/** A seeded generator, so that which entries go is the same on every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

test('holds at most its limit of entries, and releases each one it drops exactly once', (t) => {
  const released: number[] = [];
  const cache = new BoundedCache<number>(10, (v) => released.push(v), undefined, seeded(1));
  for (let i = 0; i < 100; i++) cache.set(`k${i}`, i);
  t.is(cache.size, 10);
  t.is(released.length, 90);
  t.is(new Set(released).size, 90);
  const kept = Array.from({ length: 100 }, (_, i) => cache.get(`k${i}`)).filter((v) => v !== undefined);
  t.deepEqual(kept.sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i).filter((i) => !released.includes(i)));
  t.is(cache.get('k99'), 99, 'the entry just stored stays');
});

test('a key stored again replaces its value and releases the old one', (t) => {
  const released: string[] = [];
  const cache = new BoundedCache<string>(3, (v) => released.push(v), { weigh: (_, v) => v.length, max: 100 });
  cache.set('a', 'one');
  cache.set('a', 'three');
  t.is(cache.get('a'), 'three');
  t.is(cache.size, 1);
  t.is(cache.weightHeld, 5);
  t.deepEqual(released, ['one']);
});

test('holds at most its weight, but always the entry just stored', (t) => {
  const cache = new BoundedCache<string>(1000, undefined, { weigh: (k) => k.length, max: 20 }, seeded(2));
  for (let i = 0; i < 50; i++) cache.set(`key${i}`, 'v');
  t.true(cache.weightHeld <= 20, `${cache.weightHeld}`);
  t.true(cache.size >= 4);
  cache.set('x'.repeat(30), 'big');
  t.is(cache.size, 1, 'an entry heavier than the bound is kept alone');
  t.is(cache.get('x'.repeat(30)), 'big');
});

test('going through more keys than it holds, in the same order each time, still finds many of them', (t) => {
  // A policy's patterns, one pass per evaluation: dropping the oldest entry would never find one.
  const cache = new BoundedCache<number>(100, undefined, undefined, seeded(3));
  let hits = 0;
  let lookups = 0;
  for (let pass = 0; pass < 20; pass++) {
    for (let i = 0; i < 150; i++) {
      lookups++;
      if (cache.get(`p${i}`) !== undefined) hits++;
      else cache.set(`p${i}`, i);
    }
  }
  t.true(hits / lookups > 0.3, `${((hits / lookups) * 100).toFixed(0)} % found`);
});
