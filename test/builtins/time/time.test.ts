import test from 'ava';
import { call, fails } from '../helpers.js';

const NS = 1000000000n;

test('time.now_ns is a bigint near the wall clock', (t) => {
  const now = call('time.now_ns') as bigint;
  t.is(typeof now, 'bigint');
  const diff = now - BigInt(Date.now()) * 1000000n;
  t.true(diff < 1000000000n && diff > -1000000000n);
});

test('time.parse_duration_ns', (t) => {
  const d = (s: string) => call('time.parse_duration_ns', s);
  t.is(d('100ms'), 100000000);
  t.is(d('0'), 0);
  t.is(d('-0'), 0);
  t.is(d('1h30m1.5s'), 5401500000000);
  t.is(d('-1.5h'), -5400000000000);
  t.is(d('+2us'), 2000);
  t.is(d('2µs'), 2000);
  t.is(d('2μs'), 2000);
  t.is(d('.5s'), 500000000);
  t.is(d('1.s'), 1000000000);
  t.is(d('1ns1ns'), 2);
  t.is(d('2562047h'), 9223369200000000000n);
  t.is(d('-2562047h47m16.854775808s'), -9223372036854775808n);
  t.is(d('2562047h47m16.854775807s'), 9223372036854775807n);
  const e = (s: string, m: string) => fails(t, 'eval_builtin_error', `time.parse_duration_ns: ${m}`, 'time.parse_duration_ns', s);
  e('1', 'time: missing unit in duration "1"');
  e('1x', 'time: unknown unit "x" in duration "1x"');
  e('', 'time: invalid duration ""');
  e('-', 'time: invalid duration "-"');
  e('.s', 'time: invalid duration ".s"');
  e('2562047h47m16.854775808s', 'time: invalid duration "2562047h47m16.854775808s"');
  e('3000000h', 'time: invalid duration "3000000h"');
  e('1 s', 'time: unknown unit " s" in duration "1 s"');
  e('1é', 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"');
  fails(t, 'eval_type_error', 'time.parse_duration_ns: operand 1 must be string but got number', 'time.parse_duration_ns', 1);
});

test('time.parse_rfc3339_ns', (t) => {
  const p = (s: string) => call('time.parse_rfc3339_ns', s);
  t.is(p('2020-04-02T18:33:41.593912Z'), 1585852421593912000n);
  t.is(p('2020-04-02T18:33:41+02:00'), 1585845221000000000n);
  t.is(p('1970-01-01T00:00:00Z'), 0);
  t.is(p('1969-12-31T23:59:59.999999999Z'), -1);
  t.is(p('1970-01-01T00:00:00.1234567891Z'), 123456789);
  t.is(p('2262-04-11T23:47:16.854775807Z'), 9223372036854775807n);
  t.is(p('1677-09-21T00:12:43.145224192Z'), -9223372036854775808n);
  const e = (s: string, m: string) => fails(t, 'eval_builtin_error', `time.parse_rfc3339_ns: ${m}`, 'time.parse_rfc3339_ns', s);
  e('2262-04-11T23:47:16.854775808Z', 'time outside of valid range');
  e('1600-01-01T00:00:00Z', 'time outside of valid range');
  e('2020-04-31T18:33:41Z', 'parsing time "2020-04-31T18:33:41Z": day out of range');
  e('2020-04-02T25:33:41Z', 'parsing time "2020-04-02T25:33:41Z": hour out of range');
  e('2020-13-02T05:33:41Z', 'parsing time "2020-13-02T05:33:41Z": month out of range');
  e('2020-04-02 18:33:41Z', 'parsing time "2020-04-02 18:33:41Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 18:33:41Z" as "T"');
  e('2020-04-02T18:33:41', 'parsing time "2020-04-02T18:33:41" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"');
  e('2020-04-02T18:33:41Zjunk', 'parsing time "2020-04-02T18:33:41Zjunk": extra text: "junk"');
  e('not a time', 'parsing time "not a time" as "2006-01-02T15:04:05Z07:00": cannot parse "not a time" as "2006"');
});

test('time.parse_ns with layouts and layout names', (t) => {
  const p = (layout: string, s: string) => call('time.parse_ns', layout, s);
  t.is(p('2006-01-02', '2020-04-02'), 1585785600000000000n);
  t.is(p('RFC822Z', '02 Apr 20 18:33 -0700'), 1585877580000000000n);
  t.is(p('RFC1123', 'Thu, 02 Apr 2020 18:33:41 UTC'), 1585852421000000000n);
  t.is(p('ANSIC', 'Thu Apr  2 18:33:41 2020'), 1585852421000000000n);
  t.is(p('RFC3339Nano', '2020-04-02T18:33:41.5Z'), 1585852421500000000n);
  t.is(p('Jan 2, 2006 at 3:04pm (MST)', 'Apr 2, 2020 at 6:33pm (UTC)'), 1585852380000000000n);
  t.is(p('Jan 2 2006 3:04 PM', 'apr 2 2020 12:00 AM'), 1585785600000000000n);
  t.is(p('2006-01-02 15:04:05.000', '2020-04-02 18:33:41.250'), 1585852421250000000n);
  t.is(p('2006-01-02 15:04:05,999', '2020-04-02 18:33:41'), 1585852421000000000n);
  t.is(p('2006 002', '2020 060'), 1582934400000000000n);
  t.is(p('2006 __2', '2020  61'), 1583020800000000000n);
  t.is(p('06-1-2', '69-1-2'), -31449600000000000n);
  t.is(p('2006-01-02T15:04:05-0700', '2020-04-02T18:33:41+0530'), 1585832621000000000n);
  t.is(p('2006-01-02T15:04:05Z07', '2020-04-02T18:33:41-03'), 1585863221000000000n);
  t.is(p('2006-01-02 MST', '2020-04-02 GMT+2'), 1585778400000000000n);
  // An unknown abbreviation is taken as UTC, as Go does.
  t.is(p('2006-01-02 MST', '2020-04-02 XYZ'), 1585785600000000000n);
  // Weekdays are checked for syntax only.
  t.is(p('Mon 2006-01-02', 'Sun 2020-04-02'), 1585785600000000000n);
  const e = (layout: string, s: string, m: string) => fails(t, 'eval_builtin_error', `time.parse_ns: ${m}`, 'time.parse_ns', layout, s);
  e('2006-01-02', '2020-04-02 extra', 'parsing time "2020-04-02 extra": extra text: " extra"');
  e('2006-01-02', '2021-02-29', 'parsing time "2021-02-29": day out of range');
  e('2006 002', '2021 366', 'parsing time "2021 366": day-of-year out of range');
  e('2006-01 002', '2020-02 061', 'parsing time "2020-02 061": day-of-year does not match month');
  e('15:04', '12:60', 'parsing time "12:60": minute out of range');
  e('3:04PM', '1:00XM', 'parsing time "1:00XM" as "3:04PM": cannot parse "XM" as "PM"');
  e('Jan', 'Foo', 'parsing time "Foo" as "Jan": cannot parse "Foo" as "Jan"');
  e('-07:00', '+25:00', 'parsing time "+25:00": time zone offset hour out of range');
  e('2006', '0000', 'time outside of valid range');
  fails(t, 'eval_type_error', 'time.parse_ns: operand 2 must be string but got number', 'time.parse_ns', '2006', 2006);
});

test('time.date, time.clock, time.weekday', (t) => {
  t.deepEqual(call('time.date', 1517814000n * NS), [2018, 2, 5]);
  t.deepEqual(call('time.date', [1517814000n * NS, 'America/Los_Angeles']), [2018, 2, 4]);
  t.deepEqual(call('time.date', [1517832000n * NS, '']), [2018, 2, 5]);
  t.deepEqual(call('time.date', [1517832000n * NS, 'UTC']), [2018, 2, 5]);
  t.deepEqual(call('time.date', -1), [1969, 12, 31]);
  t.deepEqual(call('time.date', -9223372036854775808n), [1677, 9, 21]);
  t.deepEqual(call('time.date', 9223372036854775807n), [2262, 4, 11]);
  t.deepEqual(call('time.clock', 1517832000n * NS), [12, 0, 0]);
  t.deepEqual(call('time.clock', 1582977600n * NS), [12, 0, 0]);
  t.deepEqual(call('time.clock', [1582977600n * NS, 'Asia/Kolkata']), [17, 30, 0]);
  t.deepEqual(call('time.clock', [1582977600n * NS, 'Asia/Kathmandu']), [17, 45, 0]);
  t.deepEqual(call('time.clock', -1), [23, 59, 59]);
  t.deepEqual(call('time.clock', 1.5e18), [2, 40, 0]);
  t.is(call('time.weekday', 1517918400000000000n), 'Tuesday');
  t.is(call('time.weekday', 1518091200000000000n), 'Thursday');
  t.is(call('time.weekday', 1518350400000000000n), 'Sunday');
  t.is(call('time.weekday', 0), 'Thursday');
  t.is(call('time.weekday', [0, 'America/New_York']), 'Wednesday');
});

test('time operand errors', (t) => {
  const big = 1582977600n * NS * 1000n;
  fails(t, 'eval_builtin_error', 'time.clock: timestamp too big', 'time.clock', big);
  fails(t, 'eval_builtin_error', 'time.weekday: timestamp too big', 'time.weekday', big);
  fails(t, 'eval_builtin_error', 'time.date: timestamp too big', 'time.date', 1.5);
  fails(t, 'eval_builtin_error', 'time.date: unknown time zone Nowhere/City', 'time.date', [0, 'Nowhere/City']);
  fails(t, 'eval_builtin_error', 'time.date: unknown time zone america/new_york', 'time.date', [0, 'america/new_york']);
  fails(t, 'eval_type_error', 'time.date: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string', 'time.date', '0');
  fails(t, 'eval_type_error', 'time.date: operand 1 must be either number (ns) or [number (ns), string (tz)] but got array', 'time.date', []);
  fails(t, 'eval_type_error', 'time.date: operand 1 must be number but got string', 'time.date', ['0']);
  fails(t, 'eval_type_error', 'time.date: operand 1 must be string but got number', 'time.date', [0, 1]);
  fails(t, 'eval_type_error', 'time.format: operand 1 must be string but got null', 'time.format', [0, 'UTC', null]);
  // OPA names operand 1 for the second argument of time.diff too.
  fails(t, 'eval_type_error', 'time.diff: operand 1 must be either number (ns) or [number (ns), string (tz)] but got boolean', 'time.diff', 0, true);
});

test('time.add_date', (t) => {
  t.is(call('time.add_date', 1585852421593912000n, -1, -1, -1), 1551465221593912000n);
  t.is(call('time.add_date', 0, 0, 0, 1), 86400000000000);
  t.is(call('time.add_date', 0, 0, 0, 0), 0);
  // Go normalises Jan 31 + 1 month to Mar 3 (2019) / Mar 2 (2020).
  const jan31 = call('time.parse_rfc3339_ns', '2019-01-31T10:00:00Z') as bigint;
  t.is(call('time.format', call('time.add_date', jan31, 0, 1, 0)!), '2019-03-03T10:00:00Z');
  // Calendar arithmetic happens in the given zone, across a DST change.
  const beforeDst = call('time.parse_rfc3339_ns', '2021-03-13T12:00:00-05:00') as bigint;
  const next = call('time.add_date', [beforeDst, 'America/New_York'], 0, 0, 1) as bigint;
  t.is(call('time.format', [next, 'America/New_York']), '2021-03-14T12:00:00-04:00');
  fails(t, 'eval_builtin_error', 'time.add_date: time outside of valid range', 'time.add_date', -9223372036854775808n, 0, 0, -1);
  fails(t, 'eval_builtin_error', 'time.add_date: time outside of valid range', 'time.add_date', 0, 300, 0, 0);
  fails(t, 'eval_type_error', 'time.add_date: operand 2 must be integer number but got floating-point number', 'time.add_date', 0, 1.5, 0, 0);
  fails(t, 'eval_type_error', 'time.add_date: operand 4 must be number but got string', 'time.add_date', 0, 0, 0, '1');
});

test('time.diff', (t) => {
  t.deepEqual(call('time.diff', 1585852421593912000n, 1551465221593912000n), [1, 1, 1, 0, 0, 0]);
  t.deepEqual(call('time.diff', 1551465221593912000n, 1585852421593912000n), [1, 1, 1, 0, 0, 0]);
  t.deepEqual(call('time.diff', 0, 0), [0, 0, 0, 0, 0, 0]);
  const p = (s: string) => call('time.parse_rfc3339_ns', s) as bigint;
  t.deepEqual(call('time.diff', p('2020-01-31T23:00:00Z'), p('2020-03-01T01:02:03Z')), [0, 1, 0, 2, 2, 3]);
  t.deepEqual(call('time.diff', p('2019-12-31T00:00:00Z'), p('2020-01-01T00:00:00Z')), [0, 0, 1, 0, 0, 0]);
  // The second time is seen in the first one's zone.
  t.deepEqual(call('time.diff', [p('2020-01-01T00:00:00Z'), 'Asia/Tokyo'], p('2020-01-02T00:00:00Z')), [0, 0, 1, 0, 0, 0]);
});

test('the Local zone resolves to the process zone', (t) => {
  const date = call('time.date', [0, 'Local']) as number[];
  t.is(date.length, 3);
  t.true(date[0] === 1969 || date[0] === 1970);
  t.is(typeof call('time.format', [0, 'Local', 'MST']), 'string');
});
