import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileToPlan } from '../../src/rego/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { constantRules } from '../../src/wasm/constant-rules.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { outcome } from '../helpers/random-rule-sets.js';

// Rules whose value is the same in every evaluation are built once, when the module is
// instantiated, below the heap the SDK resets before each evaluation.

const SOURCE = [
  'package p',
  'routes := {"/a": {"GET"}, "/b": {"GET", "POST"}, "/c": set()}',
  'ids := [3, 1, 2]',
  'route["/x"] := "svc-x"',
  'route["/y"] := {"name": "svc-y", "ports": [80, 443]}',
  'both := [routes, ids]',
  'copied := {x | some x in ids}',
  'doubled := {y | some x in ids; y := x * 2}',
  'user := input.user',
  'from_data := data.p.limits',
  'upper_name := upper("name")',
  'conflict := 1',
  'conflict := 2',
  'with_user := [user, routes]',
  'allow if input.method in routes[input.path]',
  'described := route[input.path]',
  'mocked := m if m := routes["/a"] with data.p.routes as {"/a": "mock"}',
  'under_input := r if r := both with input as {"user": "someone"}',
].join('\n');

const ENTRYPOINTS = ['p/allow', 'p/described', 'p/both', 'p/copied', 'p/doubled', 'p/with_user', 'p/conflict', 'p/mocked', 'p/under_input', 'p/from_data', 'p/upper_name'];

async function plan() {
  return compileToPlan({ modules: [{ path: 'p.rego', source: SOURCE }], entrypoints: ENTRYPOINTS });
}

test('rules built from constants alone, calling only such rules, are the constant ones', async (t) => {
  const p = await plan();
  const rules = p.funcs!.funcs.filter((f) => f.path !== undefined && f.params.length === 2);
  const names = constantRules(rules).map((f) => f.name.replace('g0.data.p.', ''));
  // `doubled` multiplies (a builtin, which may fail); `mocked`'s `with` replaced a rule by a constant when planned.
  t.deepEqual(names.sort(), ['both', 'copied', 'ids', 'mocked', 'route./x', 'route./y', 'routes'].sort());
  // Callees come before their callers: the start function builds them in this order.
  const order = constantRules(rules).map((f) => f.name);
  t.true(order.indexOf('g0.data.p.routes') < order.indexOf('g0.data.p.both'));
  t.true(order.indexOf('g0.data.p.ids') < order.indexOf('g0.data.p.both'));
});

test('results are those of the module that builds every rule in every evaluation', async (t) => {
  const p = await plan();
  const once = await loadPolicy(await compilePlan(p), undefined, hostBuiltins);
  const every = await loadPolicy(await compilePlan(p, { constantsOnce: false }), undefined, hostBuiltins);
  const inputs = [{ method: 'GET', path: '/a', user: 'u1' }, { method: 'POST', path: '/b' }, { method: 'POST', path: '/a' }, { path: '/x' }, { path: '/y' }, { path: '/c', method: 'GET' }, {}];
  for (const data of [{}, { p: { limits: { n: 1 } } }]) {
    once.setData(data);
    every.setData(data);
    for (const input of inputs) {
      for (const entrypoint of ENTRYPOINTS) t.is(outcome(() => once.evaluate(input, entrypoint)), outcome(() => every.evaluate(input, entrypoint)), `${entrypoint} ${JSON.stringify(input)}`);
    }
  }
  // The conflict is still an evaluation's error, not a module that fails to load.
  t.regex(outcome(() => once.evaluate({}, 'p/conflict')), /eval_conflict_error/);
  t.deepEqual(once.evaluate({ path: '/y' }, 'p/described'), [{ result: { name: 'svc-y', ports: [80, 443] } }]);
});

test('constant values outlive the heap of every evaluation and of new data', async (t) => {
  const policy = await loadPolicy(await compilePlan(await plan()), undefined, hostBuiltins);
  const want = [{ result: [{ '/a': ['GET'], '/b': ['GET', 'POST'], '/c': [] }, [3, 1, 2]] }];
  for (let i = 0; i < 5; i++) {
    // Large inputs and data fill the heap where a value built in an evaluation would have been.
    policy.setData({ p: { limits: { filler: 'd'.repeat(200_000 + i) } } });
    t.deepEqual(policy.evaluate({ user: 'x'.repeat(300_000), path: '/b', method: 'POST' }, 'p/allow'), [{ result: true }]);
    t.deepEqual(policy.evaluate({ filler: Array.from({ length: 5000 }, (_, k) => `v${k}`) }, 'p/both'), want);
  }
});
