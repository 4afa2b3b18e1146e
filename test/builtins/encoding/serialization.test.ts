import test from 'ava';
import { RegoObjectEntries, RegoSet } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';

test('json.marshal: sorted keys, sets as arrays, Go escaping, exact numbers', (t) => {
  t.is(call('json.marshal', [{ foo: new RegoSet([3, 1, 2]) }]), '[{"foo":[1,2,3]}]');
  t.is(call('json.marshal', [1234567890, 2000000, 1000000000]), '[1234567890,2000000,1000000000]');
  t.is(call('json.marshal', { b: '<&>', a: 2n ** 70n, c: 1.5, d: null, e: true }), '{"a":1180591620717411303424,"b":"\\u003c\\u0026\\u003e","c":1.5,"d":null,"e":true}');
  t.is(call('json.marshal', 'é\n\t\b\u0001\u2028'), '"é\\n\\t\\b\\u0001\\u2028"');
  t.is(call('json.marshal', new RegoObjectEntries([[1, 'x'], ['a', [2]]])), '{"1":"x","a":[2]}');
  t.is(call('json.marshal', 1e21), '1000000000000000000000');
});

test('json.marshal_with_options', (t) => {
  const xs = [1234567890, 2000000, 1000000000];
  t.is(call('json.marshal_with_options', xs, { indent: '  ' }), '[\n  1234567890,\n  2000000,\n  1000000000\n]');
  t.is(call('json.marshal_with_options', xs, {}), '[1234567890,2000000,1000000000]');
  t.is(call('json.marshal_with_options', xs, { pretty: true }), '[\n\t1234567890,\n\t2000000,\n\t1000000000\n]');
  t.is(call('json.marshal_with_options', xs, { pretty: false, prefix: 'NO!', indent: 'BAD!' }), '[1234567890,2000000,1000000000]');
  t.is(call('json.marshal_with_options', { foo: 'bar', bar: 'baz' }, { prefix: 'JSON => ' }), 'JSON => {\nJSON => \t"bar": "baz",\nJSON => \t"foo": "bar"\nJSON => }');
  t.is(call('json.marshal_with_options', [], { indent: '    ', prefix: '---' }), '---[]');
  t.is(call('json.marshal_with_options', [[[]], {}], { indent: ' ' }), '[\n [\n  []\n ],\n {}\n]');
  fails(t, 'eval_type_error', 'json.marshal_with_options: operand 2 object contained unknown key "include_winning_lottery_numbers"', 'json.marshal_with_options', [], { indent: '    ', include_winning_lottery_numbers: true });
  fails(t, 'eval_type_error', 'json.marshal_with_options: operand 2 key "pretty" failed cast to bool', 'json.marshal_with_options', [], { pretty: 1 });
  fails(t, 'eval_type_error', 'json.marshal_with_options: operand 2 key "indent" failed cast to string: operand 0 must be string but got number', 'json.marshal_with_options', [], { indent: 1 });
  fails(t, 'eval_type_error', 'json.marshal_with_options: operand 2 must be object but got string', 'json.marshal_with_options', [], 'x');
});

test('json.unmarshal keeps integers exact and rejects what Go rejects', (t) => {
  t.deepEqual(call('json.unmarshal', '[{"foo":[1,2,3]}]'), [{ foo: [1, 2, 3] }]);
  t.deepEqual(call('json.unmarshal', ' {"a": 12345678901234567890, "b": 1.5e3, "c": -0.25, "d": "\\u00e9\\ud83d\\ude00"} '), {
    a: 12345678901234567890n,
    b: 1500,
    c: -0.25,
    d: 'é😀',
  });
  const o = call('json.unmarshal', '{"__proto__": 1}') as Record<string, unknown>;
  t.deepEqual(Object.keys(o), ['__proto__']);
  t.is(Object.getPrototypeOf(o), Object.prototype);
  t.is(call('json.unmarshal', '"\\ud800"'), '\ufffd');
  const err = (s: string) => `json.unmarshal: ${s}`;
  fails(t, 'eval_builtin_error', err('unexpected EOF'), 'json.unmarshal', '{');
  fails(t, 'eval_builtin_error', err('EOF'), 'json.unmarshal', '  ');
  fails(t, 'eval_builtin_error', err("invalid character ']' looking for beginning of value"), 'json.unmarshal', '[1,]');
  fails(t, 'eval_builtin_error', err("invalid character 'p' looking for beginning of value"), 'json.unmarshal', 'plainstring');
  fails(t, 'eval_builtin_error', err("invalid character '}' after object key"), 'json.unmarshal', '{"a"}');
  fails(t, 'eval_builtin_error', err("invalid character 'x' in literal true (expecting 'r')"), 'json.unmarshal', 'txue');
  fails(t, 'eval_builtin_error', err("error: invalid character '2' after top-level value"), 'json.unmarshal', '1 2');
  fails(t, 'eval_type_error', 'json.unmarshal: operand 1 must be string but got number', 'json.unmarshal', 1);
});

test('json.is_valid', (t) => {
  t.false(call('json.is_valid', 'plainstring'));
  t.false(call('json.is_valid', '{'));
  t.true(call('json.is_valid', '{"json": "ok"}'));
  t.false(call('json.is_valid', '1 2'));
  t.false(call('json.is_valid', 1));
});

test('yaml.unmarshal reads YAML 1.1 like go-yaml v2', (t) => {
  t.deepEqual(call('yaml.unmarshal', 'foo:\n  - qux: bar\n  - baz: 2'), { foo: [{ qux: 'bar' }, { baz: 2 }] });
  t.deepEqual(call('yaml.unmarshal', 'a: yes\nb: off\nc: 12345678901234567890\nd: 2020-01-01\ne: 1.5\nf: ~\n1: x'), {
    a: true,
    b: false,
    c: 12345678901234567890n,
    d: '2020-01-01',
    e: 1.5,
    f: null,
    1: 'x',
  });
  t.is(call('yaml.unmarshal', ''), null);
  t.deepEqual(call('yaml.unmarshal', '{"json": "ok"}'), { json: 'ok' });
  t.deepEqual(call('yaml.unmarshal', '---\na: 1\n---\nb: 2'), { a: 1 });
  const e = t.throws(() => call('yaml.unmarshal', 'a: 1\na: 2'));
  t.regex(e?.message ?? '', /^yaml\.unmarshal: error converting YAML to JSON: yaml: /);
});

test('yaml.is_valid', (t) => {
  t.true(call('yaml.is_valid', 'foo:\n  - qux: bar\n  - baz: 2'));
  t.false(call('yaml.is_valid', 'foo:\n  - qux: bar\n  - baz: {'));
  t.true(call('yaml.is_valid', '{"json": "ok"}'));
  t.false(call('yaml.is_valid', 1));
});

test('yaml.marshal writes go-yaml style', (t) => {
  t.is(call('yaml.marshal', { b: [1, 2, { x: 'yes' }], a: 'true', a10: 1, a2: 2 }), 'a: "true"\na2: 2\na10: 1\nb:\n- 1\n- 2\n- x: "yes"\n');
  t.is(call('yaml.marshal', { k: 'a: b', s: new RegoSet(['q', 'p']), e: {}, l: [] }), "e: {}\nk: 'a: b'\nl: []\ns:\n- p\n- q\n");
  t.is(call('yaml.marshal', 'hello'), 'hello\n');
  t.is(call('yaml.marshal', null), 'null\n');
  t.is(call('yaml.marshal', { m: 'multi\nline' }), 'm: |-\n  multi\n  line\n');
});
