import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, compileToPlan } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import type { Func } from '../../src/ir/types.js';
import { outcome } from '../helpers/random-rule-sets.js';

// Long else chains are planned in functions of 64 branches, called in turn: the first branch that
// holds still gives the value, whichever function it is in.

const BRANCHES = 200;

/** Branch i holds for input.a == "x<i>"; 70 and 130 also for input.b; 80 fails for a non-numeric input.s; 100 iterates input.xs. */
function chainBranch(i: number): string {
  if (i === 70 || i === 130) return `${i} if input.b == true`;
  if (i === 80) return `${i} if { input.a == "x80"; to_number(input.s) > 0 }`;
  if (i === 100) return 'x if { some x in input.xs }';
  return `${i} if input.a == "x${i}"`;
}

const source = [
  'package p',
  'default v := -1',
  `v := ${chainBranch(0)}`,
  ...Array.from({ length: BRANCHES - 1 }, (_, i) => `else := ${chainBranch(i + 1)}`),
  `f(x) := "v0" if x == "k0"`,
  ...Array.from({ length: BRANCHES - 1 }, (_, i) => `else := "v${i + 1}" if x == "k${i + 1}"`),
  'fs := [f("k0"), f("k63"), f("k64"), f("k199")]',
  'missing if not f("none")',
].join('\n');

async function policy() {
  return loadPolicy(await compile({ modules: [{ path: 'p.rego', source }], entrypoints: ['p/v', 'p/fs', 'p/missing'] }), undefined, hostBuiltins);
}

test('the first branch that holds gives the value, in the first function of branches or a later one', async (t) => {
  const p = await policy();
  for (const i of [0, 1, 63, 64, 65, 127, 128, 199]) t.deepEqual(p.evaluate({ a: `x${i}` }, 'p/v'), [{ result: i }], `branch ${i}`);
  t.deepEqual(p.evaluate({ a: 'none' }, 'p/v'), [{ result: -1 }], 'no branch: the default');
  t.deepEqual(p.evaluate({ b: true, a: 'x150' }, 'p/v'), [{ result: 70 }], 'two later branches hold: the earlier one wins');
  t.deepEqual(p.evaluate({ b: true, a: 'x5' }, 'p/v'), [{ result: 5 }]);
  t.deepEqual(p.evaluate({ b: true, a: 'x66' }, 'p/v'), [{ result: 66 }], 'two branches of one function hold');
});

test('functions: arguments reach every function of branches', async (t) => {
  const p = await policy();
  t.deepEqual(p.evaluate({}, 'p/fs'), [{ result: ['v0', 'v63', 'v64', 'v199'] }]);
  t.deepEqual(p.evaluate({}, 'p/missing'), [{ result: true }]);
});

test('an error in a branch ends the chain; a branch before it that holds is never reached past', async (t) => {
  const p = await policy();
  t.regex(outcome(() => p.evaluate({ a: 'x80', s: 'not a number' }, 'p/v')), /^error: eval_builtin_error: to_number/);
  t.deepEqual(p.evaluate({ a: 'x80', s: '3' }, 'p/v'), [{ result: 80 }]);
  t.deepEqual(p.evaluate({ a: 'x10', s: 'not a number' }, 'p/v'), [{ result: 10 }]);
});

test('a branch giving two values is a conflict; giving one value twice is not', async (t) => {
  const p = await policy();
  t.regex(outcome(() => p.evaluate({ xs: [1, 2] }, 'p/v')), /^error: eval_conflict_error/);
  t.deepEqual(p.evaluate({ xs: [7, 7] }, 'p/v'), [{ result: 7 }]);
});

test('the plan holds one function per 64 branches; a short chain stays in its rule', async (t) => {
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: ['p/v'] });
  t.is(plan.funcs!.funcs.filter((f: Func) => f.name.startsWith('g0.data.p.v#else')).length, Math.ceil(BRANCHES / 64));
  const short = 'package p\nv := 1 if input.a == 1\nelse := 2 if input.a == 2';
  const shortPlan = await compileToPlan({ modules: [{ path: 'p.rego', source: short }], entrypoints: ['p/v'] });
  t.is(shortPlan.funcs!.funcs.filter((f: Func) => f.name.includes('#else')).length, 0);
});
