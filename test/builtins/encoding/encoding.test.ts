import test from 'ava';
import { RegoObjectEntries, RegoSet } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';

test('base64', (t) => {
  t.is(call('base64.encode', 'subjects?_d'), 'c3ViamVjdHM/X2Q=');
  t.is(call('base64.decode', 'c3ViamVjdHM/X2Q='), 'subjects?_d');
  t.is(call('base64.decode', 'aGVs\r\nbG8='), 'hello');
  t.is(call('base64.decode', ''), '');
  t.true(call('base64.is_valid', 'aGVsbG8='));
  t.false(call('base64.is_valid', "{'not':'base64'}"));
  t.false(call('base64.is_valid', 1));
  fails(t, 'eval_builtin_error', 'base64.decode: illegal base64 data at input byte 4', 'base64.decode', 'aGVsbG8');
  fails(t, 'eval_builtin_error', 'base64.decode: illegal base64 data at input byte 0', 'base64.decode', "{'not':'base64'}");
  fails(t, 'eval_builtin_error', 'base64.decode: illegal base64 data at input byte 8', 'base64.decode', 'aGVsbG8=x');
  fails(t, 'eval_builtin_error', 'base64.decode: illegal base64 data at input byte 1', 'base64.decode', 'a===');
});

test('base64url', (t) => {
  t.is(call('base64url.encode', 'hello'), 'aGVsbG8=');
  t.is(call('base64url.encode', 'there'), 'dGhlcmU=');
  t.is(call('base64url.encode', '\u00ff\u00fe'), 'w7_Dvg==');
  t.is(call('base64url.encode_no_pad', 'hello'), 'aGVsbG8');
  t.is(call('base64url.decode', 'aGVsbG8'), 'hello');
  t.is(call('base64url.decode', 'aGVsbG8='), 'hello');
  t.is(call('base64url.decode', 'w7_Dvg'), '\u00ff\u00fe');
  fails(t, 'eval_builtin_error', 'base64url.decode: illegal base64url string: a', 'base64url.decode', 'a');
  fails(t, 'eval_builtin_error', 'base64url.decode: illegal base64 data at input byte 0', 'base64url.decode', '+/==');
});

test('hex', (t) => {
  t.is(call('hex.encode', 'lorem ipsum'), '6c6f72656d20697073756d');
  t.is(call('hex.decode', '6c6f72656d20697073756d'), 'lorem ipsum');
  t.is(call('hex.decode', '4A4b'), 'JK');
  fails(t, 'eval_builtin_error', "hex.decode: encoding/hex: invalid byte: U+0067 'g'", 'hex.decode', 'fghijkl');
  fails(t, 'eval_builtin_error', 'hex.decode: encoding/hex: odd length hex string', 'hex.decode', 'abc');
  fails(t, 'eval_builtin_error', "hex.decode: encoding/hex: invalid byte: U+007A 'z'", 'hex.decode', 'abz');
});

test('urlquery.encode and decode', (t) => {
  t.is(call('urlquery.encode', ''), '');
  t.is(call('urlquery.encode', 'a b&c=d/é~'), 'a+b%26c%3Dd%2F%C3%A9~');
  t.is(call('urlquery.decode', 'a+b%26c%3dd%C3%A9'), 'a b&c=dé');
  fails(t, 'eval_builtin_error', 'urlquery.decode: invalid URL escape "%zz"', 'urlquery.decode', 'x%zz');
  fails(t, 'eval_builtin_error', 'urlquery.decode: invalid URL escape "%4"', 'urlquery.decode', '%4');
});

test('urlquery.encode_object', (t) => {
  t.is(call('urlquery.encode_object', {}), '');
  t.is(call('urlquery.encode_object', { c: 'd', a: 'b' }), 'a=b&c=d');
  t.is(call('urlquery.encode_object', { a: ['b+1', 'c+2'] }), 'a=b%2B1&a=c%2B2');
  t.is(call('urlquery.encode_object', { a: new RegoSet(['z', 'b+1']) }), 'a=b%2B1&a=z');
  t.is(call('urlquery.encode_object', { 'a b': [] }), '');
  t.is(call('urlquery.encode_object', new RegoObjectEntries([[1, 'x']])), '1=x');
  fails(t, 'eval_type_error', 'urlquery.encode_object: operand 1 values must be string, array[string], or set[string]', 'urlquery.encode_object', { a: 1 });
  fails(t, 'eval_type_error', 'urlquery.encode_object: operand 1 values must be string, array[string], or set[string]', 'urlquery.encode_object', { a: [1] });
  fails(t, 'eval_type_error', 'urlquery.encode_object: operand 1 must be object but got string', 'urlquery.encode_object', 'a=b');
});

test('urlquery.decode_object', (t) => {
  t.deepEqual(call('urlquery.decode_object', 'a=value_a1&b=value_b&a=value_a2'), { a: ['value_a1', 'value_a2'], b: ['value_b'] });
  t.deepEqual(call('urlquery.decode_object', 'a=value_a1&b'), { a: ['value_a1'], b: [''] });
  t.deepEqual(call('urlquery.decode_object', ''), {});
  t.deepEqual(call('urlquery.decode_object', '&&x=1+2&'), { x: ['1 2'] });
  const proto = call('urlquery.decode_object', '__proto__=1') as Record<string, unknown>;
  t.deepEqual(Object.keys(proto), ['__proto__']);
  fails(t, 'eval_builtin_error', 'urlquery.decode_object: invalid semicolon separator in query', 'urlquery.decode_object', 'a=1;b=2');
  fails(t, 'eval_builtin_error', 'urlquery.decode_object: invalid URL escape "%x"', 'urlquery.decode_object', 'a=%x&b=1');
});
