import test from 'ava';
import { durationFlag } from '../../src/cli/duration-flag.js';

test('a duration flag reads Go durations in milliseconds and names the flag otherwise', (t) => {
  t.is(durationFlag('500ms', '--timeout'), 500);
  t.is(durationFlag('1m30s', '--timeout'), 90_000);
  t.is(durationFlag('1.5s', '--timeout'), 1500);
  t.is(durationFlag('250us', '--timeout'), 0.25);
  t.is(durationFlag('0', '--timeout'), 0);
  for (const bad of ['', '5', 'soon', '5 s', '5sx', '-1s']) t.throws(() => durationFlag(bad, '--benchtime'), { message: /^--benchtime .*not a duration/ }, bad);
});
