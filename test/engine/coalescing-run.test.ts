import test from 'ava';
import { CoalescingRun } from '../../src/engine/coalescing-run.js';

test('requests during a run share it and ask for exactly one more run; none after the owner stops', async (t) => {
  let runs = 0;
  let release: () => void = () => undefined;
  let stopped = false;
  const run = new CoalescingRun(
    () =>
      new Promise<number>((resolve) => {
        const n = ++runs;
        release = () => resolve(n);
      }),
    () => stopped,
  );
  const first = run.request();
  const during = [run.request(), run.request(), run.request()];
  t.is(runs, 1, 'one run at a time');
  t.is(run.current, first);
  for (const p of during) t.is(p, first, 'a request during a run gets that run');
  release();
  t.is(await first, 1);
  await Promise.resolve();
  t.is(runs, 2, 'exactly one more run for all the requests made during the first');
  release();
  await run.current;
  t.is(runs, 2, 'nothing was asked during the second run');
  t.is(run.current, undefined);

  const third = run.request();
  run.request();
  stopped = true;
  release();
  t.is(await third, 3);
  await Promise.resolve();
  t.is(runs, 3, 'a stopped owner gets no extra run');
});
