import test from 'ava';
import { DecisionCache } from '../../src/engine/decision-cache.js';

const allow = { allow: true, reasons: ['granted'] };

test('the cache holds no more than maxBytes of keys and decisions: the least recently used go first', (t) => {
  const cache = new DecisionCache({ maxEntries: 1000, maxBytes: 10_000 });
  const key = (i: number) => `${String(i).padStart(4, '0')}${'x'.repeat(2000)}`;
  for (let i = 0; i < 10; i++) cache.set(key(i), allow);
  t.true(cache.size < 10, `${cache.size} entries of ~2 KB in 10 KB`);
  t.true(cache.size >= 3);
  t.deepEqual(cache.get(key(9)), allow, 'the newest is kept');
  t.is(cache.get(key(0)), undefined, 'the oldest went');
});

test('a decision larger than maxBytes is not cached, and evicts nothing', (t) => {
  const cache = new DecisionCache({ maxBytes: 5_000 });
  cache.set('small', allow);
  cache.set('x'.repeat(6_000), allow);
  t.is(cache.get('x'.repeat(6_000)), undefined);
  t.deepEqual(cache.get('small'), allow);
});

test('requests remembered by their bytes count their key and input against maxBytes too', (t) => {
  const cache = new DecisionCache({ maxEntries: 1000, maxBytes: 10_000 });
  const inputJson = `{"p":"${'y'.repeat(3000)}"}`;
  for (let i = 0; i < 10; i++) cache.remember(`req-${i}`, { decision: allow, inputJson, entrypoint: 'e', shape: 'authz' }, 60_000);
  t.truthy(cache.recall('req-9'));
  t.is(cache.recall('req-0'), undefined);
});

test('without maxBytes the default bound still admits ordinary entries', (t) => {
  const cache = new DecisionCache();
  for (let i = 0; i < 100; i++) cache.set(`k${i}${'z'.repeat(1000)}`, allow);
  t.is(cache.size, 100);
});
