import test from 'ava';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { sliceControl, SLICE_USED_UP } from '../../src/engine/evaluation-slice.js';

// Evaluation slices through the unmodified SDK: disarmed (as every instance starts, and as the SDK
// leaves it) nothing aborts; armed, an evaluation that does more work than its slice aborts with
// SLICE_USED_UP, and one within it gives the same result as without a slice.

const POLICY = `package s

pairs := count([1 | some i, j; input.xs[i] < input.xs[j]])

words := [sprintf("%d-%s", [i, x]) | some i, x in input.names]

doubled := input.n * 2
`;

async function sliced(): Promise<{ policy: LoadedPolicy; arm: (units: number) => void }> {
  const wasm = await compile({ modules: [{ path: 's.rego', source: POLICY }], entrypoints: ['s/pairs', 's/words', 's/doubled'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const arm = sliceControl(policy);
  if (!arm) throw new Error('a Warden module should export its slice control');
  return { policy, arm };
}

const xs = (n: number) => Array.from({ length: n }, (_, i) => i);
/** What an evaluation gave: its result set, or what it threw. */
function outcome(run: () => unknown): unknown {
  try {
    return { result: run() };
  } catch (e) {
    return { threw: e };
  }
}

test('disarmed, a long evaluation runs to its end in the unmodified SDK', async (t) => {
  const { policy } = await sliced();
  // 1,000 × 1,000 iterations: far past any slice.
  t.deepEqual(policy.evaluate({ xs: xs(1000) }, 's/pairs'), [{ result: (1000 * 999) / 2 }]);
});

test('armed, an evaluation past its slice aborts with SLICE_USED_UP; within it, the result is the same', async (t) => {
  const { policy, arm } = await sliced();
  arm(10_000);
  t.deepEqual(outcome(() => policy.evaluate({ xs: xs(1000) }, 's/pairs')), { threw: SLICE_USED_UP });
  arm(10_000);
  t.deepEqual(outcome(() => policy.evaluate({ xs: xs(50) }, 's/pairs')), { result: [{ result: (50 * 49) / 2 }] });
  arm(10_000_000);
  t.deepEqual(outcome(() => policy.evaluate({ xs: xs(1000) }, 's/pairs')), { result: [{ result: (1000 * 999) / 2 }] });
});

test('a slice also counts what an evaluation allocates', async (t) => {
  const { policy, arm } = await sliced();
  const names = ['x'.repeat(100_000)];
  // One iteration, but a 100 KB string formatted: about 400 units of allocation.
  arm(100);
  t.deepEqual(outcome(() => policy.evaluate({ names }, 's/words')), { threw: SLICE_USED_UP });
  arm(100_000);
  t.deepEqual(outcome(() => policy.evaluate({ names: ['a'] }, 's/words')), { result: [{ result: ['0-a'] }] });
});

test('a slice used up disarms itself, and 0 disarms: the evaluations after run to their end', async (t) => {
  const { policy, arm } = await sliced();
  arm(100);
  t.deepEqual(outcome(() => policy.evaluate({ xs: xs(300) }, 's/pairs')), { threw: SLICE_USED_UP });
  t.deepEqual(policy.evaluate({ xs: xs(300) }, 's/pairs'), [{ result: (300 * 299) / 2 }]);
  arm(100);
  arm(0);
  t.deepEqual(policy.evaluate({ xs: xs(300) }, 's/pairs'), [{ result: (300 * 299) / 2 }]);
});

test('a slice is charged for the digits a big number stands for, before a host builtin works on it', async (t) => {
  const { policy, arm } = await sliced();
  const input = (n: string) => new TextEncoder().encode(`{"n":${n}}`).buffer as ArrayBuffer;
  // 1e300000 is 300,000 digits to the host's arithmetic: past the slice before any of it is done.
  for (const huge of ['1e300000', '7'.repeat(20_000)]) {
    arm(10_000);
    t.deepEqual(outcome(() => policy.evaluate(input(huge), 's/doubled')), { threw: SLICE_USED_UP }, huge.slice(0, 12));
  }
  arm(10_000);
  t.deepEqual(outcome(() => policy.evaluate(input('1.5e3'), 's/doubled')), { result: [{ result: 3000 }] });
});
