import test from 'ava';
import { call, fails } from '../helpers.js';

test('to_number converts scalars and number strings', (t) => {
  t.is(call('to_number', null), 0);
  t.is(call('to_number', true), 1);
  t.is(call('to_number', false), 0);
  t.is(call('to_number', 4.5), 4.5);
  t.is(call('to_number', '3'), 3);
  t.is(call('to_number', '-1.5'), -1.5);
  t.is(call('to_number', '+7'), 7);
  t.is(call('to_number', '.5'), 0.5);
  t.is(call('to_number', '1e3'), 1000);
  t.is(call('to_number', '0x1p-2'), 0.25);
  t.is(call('to_number', '12345678901234567890'), 12345678901234567890n);
});

test('to_number errors', (t) => {
  fails(t, 'eval_builtin_error', 'to_number: strconv.ParseFloat: parsing "broken": invalid syntax', 'to_number', 'broken');
  fails(t, 'eval_builtin_error', 'to_number: strconv.ParseFloat: parsing "": invalid syntax', 'to_number', '');
  fails(t, 'eval_builtin_error', 'to_number: strconv.ParseFloat: parsing "1e400": value out of range', 'to_number', '1e400');
  for (const s of ['nan', 'inf', '-inf', 'Infinity', '-Infinity', '-nan', '-NaN', 'iNf']) {
    fails(t, 'eval_type_error', 'to_number: operand 1 must be valid number string but got string', 'to_number', s);
  }
  fails(t, 'eval_type_error', 'to_number: operand 1 must be one of {null, boolean, number, string} but got array', 'to_number', []);
});

test('units.parse: SI, binary and milli units, exactly', (t) => {
  const cases: Array<[string, number | bigint]> = [
    ['0', 0],
    ['0.0', 0],
    ['.0', 0],
    ['12345', 12345],
    ['10K', 10000],
    ['10KI', 10240],
    ['10k', 10000],
    ['200M', 200000000],
    ['300Gi', 322122547200],
    ['1.1K', 1100],
    ['1.1Ki', 1126.4],
    ['.5K', 500],
    ['100mi', 104857600],
    ['100P', 100000000000000000n],
    ['100Pi', 112589990684262400n],
    ['10e', 10000000000000000000n],
    ['10Ei', 11529215046068469760n],
    ['500m', 0.5],
    ['0.0005K', 0.5],
    ['0.0000005M', 0.5],
    ['"100TI"', 109951162777600],
    ['1e10', 10000000000],
    ['2.5e3K', 2500000],
    ['5e1Gi', 53687091200],
    ['7.8E-1', 0.78],
    ['-3.5E2m', -0.35],
    ['5E', 5000000000000000000n],
    ['1m', 0.001],
  ];
  for (const [input, want] of cases) t.is(call('units.parse', input), want, input);
});

test('units.parse errors', (t) => {
  for (const s of ['', 'G', 'foo']) fails(t, 'eval_builtin_error', 'units.parse: no amount provided', 'units.parse', s);
  for (const s of ['0.0.0', '.5.2']) fails(t, 'eval_builtin_error', 'units.parse: could not parse amount to a number', 'units.parse', s);
  for (const s of ['100 k', ' 327Mi ']) fails(t, 'eval_builtin_error', 'units.parse: spaces not allowed in resource strings', 'units.parse', s);
  fails(t, 'eval_builtin_error', 'units.parse: unit Kb not recognized', 'units.parse', '1KB');
  fails(t, 'eval_builtin_error', 'units.parse: exponent too large', 'units.parse', '1e1234567');
  fails(t, 'eval_type_error', 'units.parse: operand 1 must be string but got number', 'units.parse', 1);
});

test('units.parse_bytes', (t) => {
  t.is(call('units.parse_bytes', '1024'), 1024);
  t.is(call('units.parse_bytes', '1KiB'), 1024);
  t.is(call('units.parse_bytes', '2MiB'), 2097152);
  t.is(call('units.parse_bytes', '2Mi'), 2097152);
  t.is(call('units.parse_bytes', '3MB'), 3000000);
  t.is(call('units.parse_bytes', '4.1Mi'), 4299161);
  t.is(call('units.parse_bytes', '128Gi'), 137438953472);
  t.is(call('units.parse_bytes', '"8KB"'), 8000);
  t.is(call('units.parse_bytes', '10EB'), 10000000000000000000n);
  fails(t, 'eval_builtin_error', 'units.parse_bytes: no byte amount provided', 'units.parse_bytes', 'kb');
  fails(t, 'eval_builtin_error', 'units.parse_bytes: byte unit zb not recognized', 'units.parse_bytes', '1zb');
  fails(t, 'eval_builtin_error', 'units.parse_bytes: could not parse byte amount to a number', 'units.parse_bytes', '1..2kb');
  fails(t, 'eval_builtin_error', 'units.parse_bytes: spaces not allowed in resource strings', 'units.parse_bytes', '1 kb');
});
