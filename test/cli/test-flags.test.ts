import test from 'ava';
import { folder, wardenAsync } from '../helpers/cli.js';

const policy = `package app

default allow := false

allow if {
	some role in data.app.roles[input.user]
	role == "admin"
}

allow if {
	input.user == "root"
	input.mfa
}
`;

const tests = `package app_test

import data.app

test_admin if app.allow with input as {"user": "alice"}

test_dev_denied if not app.allow with input as {"user": "bob"}

test_cases[name] if {
	some name, c in {"alice": true, "bob": true}
	app.allow == c with input as {"user": name}
}

todo_test_root if app.allow with input as {"user": "root", "mfa": true}
`;

function suite(extra: Record<string, string> = {}): string {
  return folder({ 'app/policy.rego': policy, 'app/policy_test.rego': tests, 'app/roles.json': '{"roles": {"alice": ["admin"], "bob": ["dev"]}}', ...extra });
}

test.serial('data in any JSON or YAML file under the directory is loaded (not only data.json)', async (t) => {
  const r = await wardenAsync(['test', '.', '-r', 'test_admin'], suite());
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is(r.stdout.trim(), '1 passed, 0 failed');
});

test.serial('a parameterized test prints its failing keys; a todo_test_ is SKIPPED and counted; exit 2', async (t) => {
  const r = await wardenAsync(['test', '.'], suite());
  t.is(r.code, 2, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), [
    'FAIL: data.app_test.test_cases at app/policy_test.rego:9: 1 of 2 cases failed',
    '  bob: FAIL',
    'SKIPPED: data.app_test.todo_test_root at app/policy_test.rego:14',
    '3 passed, 1 failed, 1 skipped',
  ]);
});

test.serial('--format json: OPA\'s result array (location, package, name, fail, skip, duration, sub_results)', async (t) => {
  const r = await wardenAsync(['test', '.', '--format', 'json'], suite());
  t.is(r.code, 2, r.stderr);
  const results = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  t.deepEqual(
    results.map((x) => [x.package, x.name, x.fail ?? false, x.skip ?? false]),
    [
      ['data.app_test', 'test_admin', false, false],
      ['data.app_test', 'test_cases', true, false],
      ['data.app_test', 'test_dev_denied', false, false],
      ['data.app_test', 'todo_test_root', false, true],
    ],
  );
  const cases = results[1]!;
  t.deepEqual(cases.location, { file: 'app/policy_test.rego', row: 9, col: 1 });
  t.deepEqual(cases.sub_results, { alice: { name: 'alice' }, bob: { name: 'bob', fail: true } });
  t.true(Number.isInteger(cases.duration) && (cases.duration as number) >= 0);
});

test.serial('--threshold: coverage under it exits 2 with OPA\'s message; at or over it exits 0; not a percentage exits 1', async (t) => {
  const dir = suite();
  const [under, over, bad] = await Promise.all([
    wardenAsync(['test', '.', '-r', 'test_admin|test_dev', '--coverage', '--threshold', '99'], dir),
    wardenAsync(['test', '.', '-r', 'test_admin|test_dev', '--coverage', '--threshold', '10'], dir),
    wardenAsync(['test', '.', '--coverage', '--threshold', 'most'], dir),
  ]);
  t.is(under.code, 2, under.stderr);
  t.regex(under.stderr, /^Code coverage threshold not met: got \d+\.\d\d instead of 99\.00$/m);
  t.is(over.code, 0, over.stderr);
  t.is(over.stderr, '');
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--threshold must be a percentage/);
});

test.serial('--fail-on-empty: no tests found exits 1; without it, 0', async (t) => {
  const dir = folder({ 'p/p.rego': 'package p\nallow if true\n' });
  const [strict, lax] = await Promise.all([wardenAsync(['test', 'p', '--fail-on-empty'], dir), wardenAsync(['test', 'p'], dir)]);
  t.is(strict.code, 1);
  t.regex(strict.stderr, /no tests found/);
  t.is(lax.code, 0);
  t.is(lax.stdout.trim(), '0 passed, 0 failed');
});

test.serial('--bench: each passing test as a benchmark line with iterations and ns/op', async (t) => {
  const r = await wardenAsync(['test', '.', '--bench', '-r', 'test_admin|test_dev'], suite());
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.is(lines.length, 3, r.stdout);
  for (const [i, name] of ['test_admin', 'test_dev_denied'].entries()) t.regex(lines[i]!, new RegExp(`^data\\.app_test\\.${name}\\t +\\d+\\t +\\d+ ns/op$`));
  t.is(lines[2], '2 passed, 0 failed');
});

test.serial('--timeout: a runaway test fails with a timeout error and the run ends; a bad duration exits 1', async (t) => {
  const dir = folder({
    'p/p_test.rego': 'package p\ntest_ok if true\ntest_runaway if {\n\tn := numbers.range(1, 1000)\n\tcount([1 | some a in n; some b in n; some c in n; a + b + c == -1]) == 0\n}\n',
  });
  const [r, bad] = await Promise.all([wardenAsync(['test', 'p', '--timeout', '300ms'], dir), wardenAsync(['test', 'p', '--timeout', 'soon'], dir)]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stdout, /^FAIL: data\.p\.test_runaway at p\/p_test\.rego:3: error: timed out after 300 ms/m);
  t.regex(r.stdout, /1 passed, 1 failed\n$/);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--timeout "soon": not a duration/);
});

test.serial('-z/--ignore: files and folders matching a pattern are not loaded', async (t) => {
  const dir = suite({ 'app/broken_wip.rego': 'package broken\n\np if {\n' });
  const [ignored, loaded] = await Promise.all([wardenAsync(['test', '.', '-z', '*_wip.rego', '-r', 'test_admin'], dir), wardenAsync(['test', '.'], dir)]);
  t.is(ignored.code, 0, ignored.stderr);
  t.is(loaded.code, 1);
  t.regex(loaded.stderr, /broken_wip\.rego/);
});

test.serial('a data file that is not valid JSON: exit 1, the file named with line:col', async (t) => {
  const r = await wardenAsync(['test', '.'], suite({ 'app/extra/limits.json': '{\n  "max": 1,\n  "min" 0\n}\n' }));
  t.is(r.code, 1);
  t.regex(r.stderr, /app\/extra\/limits\.json: not valid JSON at 3:9/);
});
