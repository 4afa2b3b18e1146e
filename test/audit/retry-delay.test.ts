import test from 'ava';
import { jitteredBackoff, retryAfterMs } from '../../src/audit/index.js';

test('back-off doubles per attempt up to the cap, jittered between half and all of it', (t) => {
  const bounds = { firstMs: 100, maxMs: 1_000 };
  t.is(jitteredBackoff(0, bounds, () => 0), 50);
  t.is(jitteredBackoff(0, bounds, () => 0.999999), 100);
  t.is(jitteredBackoff(2, bounds, () => 0.999999), 400);
  t.is(jitteredBackoff(10, bounds, () => 0.999999), 1_000);
  t.is(jitteredBackoff(10, bounds, () => 0), 500);
  for (let i = 0; i < 50; i++) {
    const wait = jitteredBackoff(3, bounds);
    t.true(wait >= 400 && wait <= 800, String(wait));
  }
});

test('Retry-After is read as seconds or as an HTTP date; anything else is ignored', (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  t.is(retryAfterMs('7', now), 7_000);
  t.is(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  t.is(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
  t.is(retryAfterMs(null, now), undefined);
  t.is(retryAfterMs('soon', now), undefined);
});
