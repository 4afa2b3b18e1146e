import test from 'ava';
import { folder, warden } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const policy = `package app

default allow := false

allow if {
	input.user == "alice"
}

allow if {
	input.user == "root"
	input.mfa
}
`;

const tests = `package app_test

import data.app

test_alice if app.allow with input as {"user": "alice"}

test_bob_denied if not app.allow with input as {"user": "bob"}
`;

test('warden test --coverage: covered share and uncovered lines per file, then the summary line', (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/policy_test.rego': tests });
  const r = warden(['test', 'app', '--coverage'], dir);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.is(lines[lines.length - 1], '2 passed, 0 failed');
  t.deepEqual(lines.slice(0, 3), [
    'app/policy.rego: 66.7% (4/6 lines)  not covered: 9, 11',
    'app/policy_test.rego: 100.0% (2/2 lines)',
    'coverage: 75.0% (6/8 lines)',
  ]);
});

test('warden test --coverage-json writes OPA’s report shape', (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/policy_test.rego': tests });
  const r = warden(['test', 'app', '--coverage-json', 'cover.json'], dir);
  t.is(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(dir, 'cover.json'), 'utf8'));
  t.deepEqual(report.files['app/policy.rego'].not_covered, [
    { start: { row: 9 }, end: { row: 9 } },
    { start: { row: 11 }, end: { row: 11 } },
  ]);
  t.deepEqual(report.files['app/policy.rego'].covered, [
    { start: { row: 3 }, end: { row: 3 } },
    { start: { row: 5 }, end: { row: 6 } },
    { start: { row: 10 }, end: { row: 10 } },
  ]);
  t.is(report.coverage, 75);
});
