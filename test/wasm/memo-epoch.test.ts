import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileToPlan } from '../../src/rego/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';

// Rules are memoized for one evaluation; a new evaluation, or a `with`, moves a memo epoch on
// instead of clearing every rule's memo. The count starts again at 1 after 2^32 moves; these tests
// make it start again after a few, to see memos of the earlier rounds forgotten.

const SOURCE = [
  'package p',
  'x := input.v',
  'y := concat("-", [input.v, "y"])',
  'a := x',
  'b := y',
  'under_with := [x, w, x] if w := x with input.v as "inner"',
].join('\n');

async function load(memoEpochWrap?: number) {
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source: SOURCE }], entrypoints: ['p/a', 'p/b', 'p/under_with'] });
  const wasm = await compilePlan(plan, memoEpochWrap === undefined ? {} : { memoEpochWrap });
  return loadPolicy(wasm, undefined, hostBuiltins);
}

const WRAPS = [undefined, 2, 3, 4, 5];

test('each evaluation sees its own input, over rounds of the memo epoch', async (t) => {
  for (const wrap of WRAPS) {
    const p = await load(wrap);
    // Rule y is evaluated in some evaluations only: its memo from an earlier round must not pass
    // for the same epoch in a later one.
    for (let i = 0; i < 24; i++) {
      const v = `v${i}`;
      const readsY = i % 2 === 1 || i % 5 === 0;
      t.deepEqual(p.evaluate({ v }, readsY ? 'p/b' : 'p/a'), [{ result: readsY ? `${v}-y` : v }], `wrap ${wrap}, evaluation ${i}`);
    }
  }
});

test('a rule evaluated under `with` is evaluated again after it, over rounds of the memo epoch', async (t) => {
  for (const wrap of WRAPS) {
    const p = await load(wrap);
    for (let i = 0; i < 12; i++) t.deepEqual(p.evaluate({ v: `v${i}` }, 'p/under_with'), [{ result: [`v${i}`, 'inner', `v${i}`] }], `wrap ${wrap}, evaluation ${i}`);
  }
});
