import test from 'ava';
import { call, fails } from '../helpers.js';

test('semver.is_valid', (t) => {
  for (const v of ['1.0.0', 'v1.2.3', '0.0.0', '1.0.0-alpha.1', '1.0.0+build.5', '1.0.0-rc-1+meta', '1.0.0-0', '1.0.0-0a.00b', '1.0.0-x.0.10']) {
    t.true(call('semver.is_valid', v), v);
  }
  for (const v of ['1', '1.0', '1.0.0.0', '1.0.0-a..b', 'a.b.c', '1.0.0+a_b', '', '-1.0.0', '1.0.+1', 'vv1.0.0']) t.false(call('semver.is_valid', v), v);
  t.false(call('semver.is_valid', 1));
});

test('semver.is_valid is strict: no leading zeros in numbers, no empty sections or identifiers', (t) => {
  for (const v of ['01.2.3', '1.02.3', '1.2.03', '00.0.0', '1.2.3-01', '1.2.3-rc.007', '1.2.3-', '1.2.3+', '1.2.3-+b', '1.2.3-a.', '1.2.3+.b']) {
    t.false(call('semver.is_valid', v), v);
  }
  // Build metadata takes no part in ordering: its numeric identifiers may start with zero.
  for (const v of ['1.2.3+01', '1.2.3-rc.1+007.0']) t.true(call('semver.is_valid', v), v);
  // Major, minor and patch are Go int64s.
  t.true(call('semver.is_valid', '9223372036854775807.0.0'));
  t.false(call('semver.is_valid', '9223372036854775808.0.0'));
});

test('semver.compare follows SemVer precedence', (t) => {
  t.is(call('semver.compare', '1.0.0', '1.0.0'), 0);
  t.is(call('semver.compare', '1.0.0', '2.0.0'), -1);
  t.is(call('semver.compare', '1.10.0', '1.9.0'), 1);
  t.is(call('semver.compare', '1.0.0-alpha', '1.0.0'), -1);
  t.is(call('semver.compare', '1.0.0-alpha', '1.0.0-alpha.1'), -1);
  t.is(call('semver.compare', '1.0.0-alpha.beta', '1.0.0-alpha.1'), 1);
  t.is(call('semver.compare', '1.0.0-beta.11', '1.0.0-beta.2'), 1);
  t.is(call('semver.compare', '1.0.0-0', '1.0.0-1'), -1);
  t.is(call('semver.compare', 'v1.2.3', '1.2.3+meta'), 0);
  t.is(call('semver.compare', '1.2.3+01', '1.2.3+2'), 0);
});

test('semver.compare refuses what is not strict SemVer, quoting the operand as OPA does', (t) => {
  const invalid = (position: number, text: string) => `semver.compare: operand ${position}: string ${text} is not a valid SemVer`;
  fails(t, 'eval_builtin_error', invalid(2, '"1"'), 'semver.compare', '1.0.0', '1');
  fails(t, 'eval_builtin_error', invalid(1, '"x"'), 'semver.compare', 'x', '1.0.0');
  fails(t, 'eval_builtin_error', invalid(1, '"1.02.3"'), 'semver.compare', '1.02.3', '1.2.3');
  fails(t, 'eval_builtin_error', invalid(2, '"1.2.3-01"'), 'semver.compare', '1.2.3', '1.2.3-01');
  fails(t, 'eval_builtin_error', invalid(1, '"1.2.3-"'), 'semver.compare', '1.2.3-', '1.2.3');
  fails(t, 'eval_builtin_error', invalid(2, '"1.2.3+"'), 'semver.compare', '1.2.3', '1.2.3+');
  // Go's %s of a Rego string: strconv.Quote, so quotes and control characters are escaped.
  fails(t, 'eval_builtin_error', invalid(1, '"say \\"hi\\"\\n"'), 'semver.compare', 'say "hi"\n', '1.0.0');
  fails(t, 'eval_type_error', 'semver.compare: operand 1 must be string but got number', 'semver.compare', 1, '1.0.0');
});

test('uuid.parse', (t) => {
  t.deepEqual(call('uuid.parse', '00000000-0000-4000-8000-000000000000'), { variant: 'RFC4122', version: 4 });
  t.deepEqual(call('uuid.parse', '38074da4-0b00-388d-9c3c-362de965547a'), { variant: 'RFC4122', version: 3 });
  t.deepEqual(call('uuid.parse', '000003e8-48b9-21ee-b200-325096b39f47'), {
    clocksequence: 12800,
    domain: 'Person',
    id: 1000,
    macvariables: 'local:unicast',
    nodeid: '32-50-96-b3-9f-47',
    time: 1693566990121469600n,
    variant: 'RFC4122',
    version: 2,
  });
  t.deepEqual(call('uuid.parse', '{00000000-0000-4000-C000-000000000000}'), { variant: 'Microsoft', version: 4 });
  t.deepEqual(call('uuid.parse', 'urn:uuid:00000000000040008000000000000000'.replace('0000000000004000', '00000000-0000-4000-').replace('8000000000000000', '8000-000000000000')), { variant: 'RFC4122', version: 4 });
  t.deepEqual(call('uuid.parse', '00000000000040008000000000000000'), { variant: 'RFC4122', version: 4 });
  t.is(call('uuid.parse', 'not-a-uuid'), undefined);
  t.is(call('uuid.parse', '00000000-0000-4000-8000-00000000000g'), undefined);
  fails(t, 'eval_type_error', 'uuid.parse: operand 1 must be string but got number', 'uuid.parse', 123);
});

test('uuid.rfc4122 on the host draws a fresh v4 UUID on every call (modules keep one per key per evaluation)', (t) => {
  const a = call('uuid.rfc4122', 'key');
  t.regex(a as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.not(call('uuid.rfc4122', 'key'), a);
  t.not(call('uuid.rfc4122', 'other'), a);
});
