import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { folder, wardenAsync } from '../helpers/cli.js';
import { readBundle } from '../../src/bundle/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { globToRegExp } from '../../src/bundle/ignored-files.js';
import type { Policy } from '../../src/ir/index.js';

const policy = `package app

allow if input.user == data.app.admin
`;

test.serial('positional paths, -t plan: the bundle holds plan.json (no policy.wasm) that compiles and decides', async (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/data.json': '{"admin": "alice"}' });
  const out = join(dir, 'plan.tar.gz');
  const r = await wardenAsync(['build', '.', '-t', 'plan', '-e', 'app/allow', '-o', out], dir);
  t.is(r.code, 0, r.stderr);
  const bundle = await readBundle(readFileSync(out));
  t.is(bundle.wasm, undefined);
  t.is(bundle.manifest.wasm, undefined);
  const plan = bundle.plan as Policy;
  t.deepEqual(plan.plans?.plans.map((p) => p.name), ['app/allow']);
  const module = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
  module.setData(bundle.data);
  t.deepEqual(module.evaluate({ user: 'alice' }), [{ result: true }]);
  t.deepEqual(module.evaluate({ user: 'bob' }), []);
});

test.serial('-t wasm stays the default; an unknown target is an error that writes nothing', async (t) => {
  const dir = folder({ 'app/policy.rego': policy });
  const [wasm, bad] = await Promise.all([
    wardenAsync(['build', 'app', '-e', 'app/allow', '-o', 'w.tar.gz'], dir),
    wardenAsync(['build', 'app', '-t', 'rego-ish', '-o', 'x.tar.gz'], dir),
  ]);
  t.is(wasm.code, 0, wasm.stderr);
  t.truthy((await readBundle(readFileSync(join(dir, 'w.tar.gz')))).wasm);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /unknown target -t rego-ish/);
  t.false(existsSync(join(dir, 'x.tar.gz')));
});

test.serial('--ignore leaves out files and folders whose names match, as opa build --ignore', async (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/policy_test.rego': 'package app_test\n\nthis does not parse', 'app/scratch/data.json': '{"x": 1}' });
  const ignoring = await wardenAsync(['build', 'app', '-e', 'app/allow', '--ignore', '*_test.rego', '--ignore', 'scratch', '-o', 'b.tar.gz'], dir);
  t.is(ignoring.code, 0, ignoring.stderr);
  const bundle = await readBundle(readFileSync(join(dir, 'b.tar.gz')));
  t.deepEqual(bundle.modules.map((m) => m.path), ['/app/policy.rego']);
  t.deepEqual(bundle.data, {});
  const notIgnoring = await wardenAsync(['build', 'app', '-e', 'app/allow', '-o', 'c.tar.gz'], dir);
  t.is(notIgnoring.code, 1);
  t.regex(notIgnoring.stderr, /policy_test\.rego:3:/);
});

test.serial('globToRegExp matches one name as Go filepath.Match does', (t) => {
  t.true(globToRegExp('*_test.rego').test('a_test.rego'));
  t.false(globToRegExp('*_test.rego').test('a_test.rego.bak'));
  t.true(globToRegExp('data?.json').test('data1.json'));
  t.false(globToRegExp('data.json').test('dataXjson'));
});
