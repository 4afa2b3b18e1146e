import test from 'ava';
import { folder, warden } from '../helpers/cli.js';


const policy = `package app

deny contains "no owner" if not input.owner
deny contains "bad tier" if input.tier == "gold"

allow if count(deny) == 0
`;

const tests = `package app_test

import data.app

test_two_denies if {
	inp := {"tier": "gold", "owner": "x"}
	n := count(app.deny) with input as inp
	n == 2
}

test_allow if {
	app.allow with input as {"owner": "bob", "tier": "gold"}
}

test_reasons if {
	reasons := app.deny with input as {}
	reasons == {"no owner", "bad tier"}
}

test_passes if app.allow with input as {"owner": "bob"}
`;

test('warden test -v: each test, and for a failure the expression that failed with its values', (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/policy_test.rego': tests });
  const r = warden(['test', 'app', '-v'], dir);
  t.is(r.code, 2, r.stderr);
  const out = r.stdout;
  t.regex(out, /^PASS: data\.app_test\.test_passes /m);
  t.regex(out, /^FAIL: data\.app_test\.test_two_denies .* at app\/policy_test\.rego:5: undefined\n {2}app\/policy_test\.rego:8: n == 2\n {4}n = 1\n/m);
  t.regex(out, /^FAIL: data\.app_test\.test_allow .*\n {2}app\/policy_test\.rego:12: app\.allow with input as \{"owner": "bob", "tier": "gold"\}\n {4}app\.allow = undefined\n/m);
  t.regex(out, /^ {2}app\/policy_test\.rego:17: reasons == \{"no owner", "bad tier"\}\n {4}reasons = \["no owner"\]\n/m);
  t.is(out.trim().split('\n').pop(), '1 passed, 3 failed');
});

test('without -v, a failure is one line naming the test with file:line', (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/policy_test.rego': tests });
  const r = warden(['test', 'app'], dir);
  t.is(r.code, 2);
  t.deepEqual(r.stdout.trim().split('\n'), [
    'FAIL: data.app_test.test_allow at app/policy_test.rego:11: undefined',
    'FAIL: data.app_test.test_reasons at app/policy_test.rego:15: undefined',
    'FAIL: data.app_test.test_two_denies at app/policy_test.rego:5: undefined',
    '1 passed, 3 failed',
  ]);
});

test('warden test is non-strict about builtin errors, as opa test is; --strict-builtin-errors makes them failures', (t) => {
  const dir = folder({
    'p/p.rego': 'package p\nname := object.get(input.obj, "name", "none")\n',
    'p/p_test.rego': 'package p_test\nimport data.p\ntest_null_object if { not p.name with input as {"obj": null} }\n',
  });
  const lax = warden(['test', 'p'], dir);
  t.is(lax.code, 0, lax.stdout + lax.stderr);
  const strict = warden(['test', 'p', '--strict-builtin-errors'], dir);
  t.is(strict.code, 2);
  t.regex(strict.stdout, /FAIL: data\.p_test\.test_null_object at p\/p_test\.rego:3: error: .*object\.get/);
});

test('a test defined twice is two tests, the second named test_x#01, as opa test runs them', (t) => {
  const dir = folder({
    'p/p.rego': 'package p\n\nallow if input.ok\n',
    'p/p_test.rego': 'package p_test\n\nimport data.p\n\ntest_x if p.allow with input as {"ok": true}\n\ntest_x if p.allow with input as {"ok": false}\n\ntest_y if true\n',
  });
  const r = warden(['test', 'p', '-v'], dir);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stdout, /^PASS: data\.p_test\.test_x \(/m);
  t.regex(r.stdout, /^FAIL: data\.p_test\.test_x#01 \(.*p_test\.rego:7: undefined/m);
  t.regex(r.stdout, /^PASS: data\.p_test\.test_y \(/m);
  t.regex(r.stdout, /2 passed, 1 failed\n$/);
});
