import test from 'ava';
import { call, fails } from '../helpers.js';

const T = 1585852421593912000n; // 2020-04-02T18:33:41.593912Z

const f = (...args: Array<string | bigint | number>) => call('time.format', args.length === 1 ? args[0]! : args);

test('time.format defaults to RFC3339Nano in UTC', (t) => {
  t.is(f(T), '2020-04-02T18:33:41.593912Z');
  t.is(f(0), '1970-01-01T00:00:00Z');
  t.is(f(-1), '1969-12-31T23:59:59.999999999Z');
  t.is(f(T, ''), '2020-04-02T18:33:41.593912Z');
  t.is(f(T, 'UTC', ''), '2020-04-02T18:33:41.593912Z');
  t.is(f(T, 'America/New_York'), '2020-04-02T14:33:41.593912-04:00');
  t.is(f(T, 'Asia/Kolkata'), '2020-04-03T00:03:41.593912+05:30');
});

test('time.format with named layouts', (t) => {
  t.is(f(T, 'UTC', 'RFC3339'), '2020-04-02T18:33:41Z');
  t.is(f(T, 'UTC', 'ANSIC'), 'Thu Apr  2 18:33:41 2020');
  t.is(f(T, 'UTC', 'UnixDate'), 'Thu Apr  2 18:33:41 UTC 2020');
  t.is(f(T, 'UTC', 'RubyDate'), 'Thu Apr 02 18:33:41 +0000 2020');
  t.is(f(T, 'America/New_York', 'RFC822'), '02 Apr 20 14:33 EDT');
  t.is(f(T, 'America/Los_Angeles', 'RFC822Z'), '02 Apr 20 11:33 -0700');
  t.is(f(T, 'Europe/Berlin', 'RFC850'), 'Thursday, 02-Apr-20 20:33:41 CEST');
  t.is(f(1577836800000000000n, 'Europe/Berlin', 'RFC1123'), 'Wed, 01 Jan 2020 01:00:00 CET');
  t.is(f(T, 'Europe/London', 'RFC1123Z'), 'Thu, 02 Apr 2020 19:33:41 +0100');
  t.is(f(T, 'Asia/Tokyo', 'RFC3339Nano'), '2020-04-03T03:33:41.593912+09:00');
});

test('time.format with custom layouts', (t) => {
  t.is(f(T, 'UTC', '2006-01-02'), '2020-04-02');
  t.is(f(T, 'UTC', 'January 2, 2006 3:04:05 PM'), 'April 2, 2020 6:33:41 PM');
  t.is(f(T, 'UTC', 'Monday Mon Jan 1 01 _2 02 __2 002'), 'Thursday Thu Apr 4 04  2 02  93 093');
  t.is(f(T, 'UTC', '15 3 03 4 04 5 05 pm PM 06'), '18 6 06 33 33 41 41 pm PM 20');
  t.is(f(T, 'UTC', '05.000 05.999 05,000000 05.000000000 05.9'), '41.593 41.593 41,593912 41.593912000 41.5');
  t.is(f(1585852421000000000n, 'UTC', '05.999|05.000'), '41|41.000');
  t.is(f(T, 'UTC', 'Z07:00 Z0700 Z07 Z070000 Z07:00:00'), 'Z Z Z Z Z');
  t.is(f(T, 'UTC', '-07:00 -0700 -07 -070000 -07:00:00'), '+00:00 +0000 +00 +000000 +00:00:00');
  t.is(f(T, 'Asia/Kathmandu', 'Z07:00 -0700 -07 MST'), '+05:45 +0545 +05 +0545');
  t.is(f(T, 'America/St_Johns', '-07:00'), '-02:30');
  // Letters that are not layout elements are copied; "Month" is not "Mon" + "th".
  t.is(f(T, 'UTC', 'Month: Jan, Janx'), 'Month: Apr, Janx');
  t.is(f(T, 'UTC', 'literal _2006'), 'literal _2020');
  t.is(f(T, 'UTC', 'no elements here!'), 'no elements here!');
  t.is(f(T, 'Asia/Tokyo', 'MST'), 'JST');
  t.is(f(T, 'Etc/GMT+5', 'MST'), '-05');
});

test('time.format errors', (t) => {
  fails(t, 'eval_builtin_error', 'time.format: unknown time zone Nope/Zone', 'time.format', [0, 'Nope/Zone']);
  fails(t, 'eval_builtin_error', 'time.format: timestamp too big', 'time.format', 9223372036854775808n);
  fails(t, 'eval_type_error', 'time.format: operand 1 must be either number (ns) or [number (ns), string (tz)] but got object', 'time.format', {});
});

test('format and parse round-trip', (t) => {
  for (const layout of ['RFC3339Nano', 'RFC1123Z', 'RubyDate', '2006-01-02T15:04:05.000000000-07:00:00']) {
    const text = call('time.format', [T, 'America/Sao_Paulo', layout]) as string;
    const back = call('time.parse_ns', layout, text) as bigint;
    const precise = layout === 'RFC3339Nano' || layout.includes('.000000000');
    t.is(back, precise ? T : 1585852421000000000n, `${layout}: ${text}`);
  }
});
