import test from 'ava';
import { call, fails } from '../helpers.js';

test('digests are lowercase hex of the UTF-8 bytes', (t) => {
  t.is(call('crypto.md5', 'lorem ipsum'), '80a751fde577028640c419000e33eba6');
  t.is(call('crypto.sha1', ''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  t.is(call('crypto.sha256', 'abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('hmac family takes message then key', (t) => {
  t.is(call('crypto.hmac.md5', 'foo', 'bar'), '31b6db9e5eb4addb42f1a6ca07367adc');
  t.is(call('crypto.hmac.sha1', 'foo', 'bar'), '85d155c55ed286a300bd1cf124de08d87e914f3a');
  t.is(call('crypto.hmac.sha256', 'foo', 'bar'), '147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851');
  t.is(
    call('crypto.hmac.sha512', 'foo', 'bar'),
    '24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8',
  );
  t.is(call('crypto.hmac.md5', 'åäöçß🥲♙Ω', '秘密の'), '20a8743c2157ac60b7e8b79c83651b8d');
});

test('hmac.equal compares whole strings, different lengths are unequal', (t) => {
  t.true(call('crypto.hmac.equal', 'abc', 'abc'));
  t.false(call('crypto.hmac.equal', 'abc', 'abd'));
  t.false(call('crypto.hmac.equal', 'abc', 'ab'));
});

test('operand type errors', (t) => {
  fails(t, 'eval_type_error', 'crypto.md5: operand 1 must be string but got number', 'crypto.md5', 1);
  fails(t, 'eval_type_error', 'crypto.hmac.sha256: operand 2 must be string but got null', 'crypto.hmac.sha256', 'm', null);
  fails(t, 'eval_type_error', 'crypto.hmac.equal: operand 1 must be string but got array', 'crypto.hmac.equal', [], 'x');
});
