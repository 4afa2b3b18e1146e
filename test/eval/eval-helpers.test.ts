import test from 'ava';
import { findJsonSyntaxError, lineColOf } from '../../src/bundle/json-syntax-error.js';
import { parseJsonText } from '../../src/eval/read-input.js';
import { renderTable } from '../../src/eval/text-table.js';
import { histogram } from '../../src/eval/bench-query.js';
import { formatEvalResult } from '../../src/eval/eval-output.js';
import { EvalError } from '../../src/eval/errors.js';

test('findJsonSyntaxError agrees with JSON.parse on what is valid, and points at the first bad character', (t) => {
  const valid = ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0'];
  for (const text of valid) {
    t.notThrows(() => JSON.parse(text));
    t.is(findJsonSyntaxError(text), undefined, text);
  }
  const invalid: Array<[string, number]> = [
    ['{"a": }', 6],
    ['{\n  "a": 1,\n}', 12],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['tru', 0],
    ['{"a":1', 6],
    ['{"a":1} x', 8],
    ['01', 1],
    ['"tab\tin string"', 0],
  ];
  for (const [text, offset] of invalid) {
    t.throws(() => JSON.parse(text));
    t.is(findJsonSyntaxError(text)?.offset, offset, text);
  }
  t.deepEqual(lineColOf('{\n  "a": 1,\n}', 12), { line: 3, col: 1 });
});

test('parseJsonText: a syntax error names the source and line:col', (t) => {
  const e = t.throws(() => parseJsonText('{\n  "user": "alice",\n  "roles": [1,, 2]\n}', 'in.json'), { instanceOf: EvalError });
  t.regex(e!.message, /^in\.json:3:15: not valid JSON: expected a value, found ","$/);
});

test('renderTable: borders, centred headers, left-aligned cells sized to the widest', (t) => {
  t.is(renderTable(['x', 'value'], [['10', 'a'], ['2', 'bcdefgh']]), ['+----+---------+', '| x  |  value  |', '+----+---------+', '| 10 | a       |', '| 2  | bcdefgh |', '+----+---------+', ''].join('\n'));
});

test('histogram: count, extremes, mean and nearest-rank percentiles', (t) => {
  const h = histogram(Float64Array.from({ length: 100 }, (_, i) => 100 - i));
  const k = (s: string) => h[`histogram_timer_rego_query_eval_ns_${s}`];
  t.is(k('count'), 100);
  t.is(k('min'), 1);
  t.is(k('max'), 100);
  t.is(k('mean'), 51);
  t.is(k('median'), 50);
  t.is(k('90%'), 90);
  t.is(k('99%'), 99);
  t.is(k('99.99%'), 100);
});

test('formatEvalResult: pretty shows non-boolean expressions next to bindings and hides conditions', (t) => {
  const row = (x: number) => ({ expressions: [{ value: true, text: 'x := xs[_]', location: { row: 1, col: 1 } }, { value: x * 2, text: 'x * 2', location: { row: 1, col: 13 } }], bindings: { x } });
  const out = formatEvalResult({ rows: [row(1), row(2)], metrics: {} }, 'pretty');
  t.is(out, ['+---+-------+', '| x | x * 2 |', '+---+-------+', '| 1 | 2     |', '| 2 | 4     |', '+---+-------+', ''].join('\n'));
  t.is(formatEvalResult({ rows: [], metrics: {} }, 'values'), '');
  t.is(formatEvalResult({ rows: [], metrics: { timer_rego_query_eval_ns: 5 } }, 'json', true), '{\n  "metrics": {\n    "timer_rego_query_eval_ns": 5\n  }\n}\n');
});
