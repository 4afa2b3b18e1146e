import test from 'ava';
import { RegoSet } from '../../../src/builtins/value.js';
import { call, fails, sorted } from '../helpers.js';

test('cidr_contains with addresses and subnets, IPv4 and IPv6', (t) => {
  t.true(call('net.cidr_contains', '10.0.0.0/8', '10.1.0.0/24'));
  t.true(call('net.cidr_contains', '10.0.0.0/8', '10.1.2.3'));
  t.false(call('net.cidr_contains', '10.0.0.0/8', '192.168.1.1'));
  t.true(call('net.cidr_contains', '2001:4860:4860::8888/32', '2001:4860:4860:1234::8888/40'));
  t.false(call('net.cidr_contains', '2001:4860::/96', '2001:4860::/32'));
  t.false(call('net.cidr_contains', '10.0.0.0/8', '::1'));
  t.true(call('net.cidr_contains', '10.0.0.0/8', '::ffff:10.9.9.9'));
  t.true(call('net.cidr_overlap', '10.0.0.0/8', '10.1.2.3'));
});

test('cidr_contains errors', (t) => {
  fails(t, 'eval_builtin_error', 'net.cidr_contains: not a valid textual representation of an IP address or CIDR: not-a-cidr', 'net.cidr_contains', '192.168.1.0/28', 'not-a-cidr');
  fails(t, 'eval_builtin_error', 'net.cidr_contains: invalid CIDR address: 10.0.0.0', 'net.cidr_contains', '10.0.0.0', '10.0.0.1');
  fails(t, 'eval_builtin_error', 'net.cidr_contains: invalid CIDR address: 010.0.0.0/8', 'net.cidr_contains', '010.0.0.0/8', '10.0.0.1');
  fails(t, 'eval_type_error', 'net.cidr_contains: operand 1 must be string but got number', 'net.cidr_contains', 1, '10.0.0.1');
});

test('cidr_intersects', (t) => {
  t.false(call('net.cidr_intersects', '192.168.1.0/24', '192.168.2.0/24'));
  t.true(call('net.cidr_intersects', 'fd1e:5bfe:8af3:9ddc::/64', 'fd1e:5bfe:8af3:9ddc:1111::/72'));
  fails(t, 'eval_builtin_error', 'net.cidr_intersects: invalid CIDR address: nope', 'net.cidr_intersects', '10.0.0.0/8', 'nope');
});

test('cidr_contains_matches over strings, arrays, sets and objects', (t) => {
  t.deepEqual(sorted(call('net.cidr_contains_matches', ['1.1.2.0/24', '1.1.1.0/24'], ['1.1.1.1', '1.1.2.1'])), [[0, 1], [1, 0]]);
  t.deepEqual(
    sorted(call('net.cidr_contains_matches', new RegoSet([['1.1.1.0/24', 'bar']]), new RegoSet([['1.1.1.1', 'baz']]))),
    [[['1.1.1.0/24', 'bar'], ['1.1.1.1', 'baz']]],
  );
  t.deepEqual(sorted(call('net.cidr_contains_matches', { k1: '1.1.1.1/24', k2: ['1.1.1.2/24', 1] }, '1.1.1.128')), [
    ['k1', '1.1.1.128'],
    ['k2', '1.1.1.128'],
  ]);
  fails(t, 'eval_builtin_error', 'net.cidr_contains_matches: operand 2: element must be string or non-empty array', 'net.cidr_contains_matches', ['1.1.1.0/24'], [1]);
});

test('cidr_expand lists every address, masked first', (t) => {
  t.deepEqual(sorted(call('net.cidr_expand', '192.168.1.1/30')), ['192.168.1.0', '192.168.1.1', '192.168.1.2', '192.168.1.3']);
  t.deepEqual(sorted(call('net.cidr_expand', '192.168.1.1/32')), ['192.168.1.1']);
  t.deepEqual(sorted(call('net.cidr_expand', 'fe80::/127')), ['fe80::', 'fe80::1']);
  fails(t, 'eval_builtin_error', 'net.cidr_expand: invalid CIDR address: 192.168.1.1/33', 'net.cidr_expand', '192.168.1.1/33');
  fails(t, 'eval_builtin_error', 'net.cidr_expand: timed out before generating all IP addresses', 'net.cidr_expand', '1.0.0.0/1');
});

test('cidr_is_valid', (t) => {
  t.true(call('net.cidr_is_valid', '192.168.1.0/24'));
  t.true(call('net.cidr_is_valid', '2002::1234:abcd:ffff:c0a8:101/64'));
  t.false(call('net.cidr_is_valid', '192.168.1.2'));
  t.false(call('net.cidr_is_valid', ''));
  t.false(call('net.cidr_is_valid', 5));
});

test('cidr_merge merges adjacent and contained blocks', (t) => {
  t.deepEqual(sorted(call('net.cidr_merge', ['192.0.128.0/24', '192.0.129.0/24'])), ['192.0.128.0/23']);
  t.deepEqual(sorted(call('net.cidr_merge', new RegoSet(['10.0.0.0/8', '10.1.0.0/16', '11.0.0.0/8']))), ['10.0.0.0/7']);
  t.deepEqual(sorted(call('net.cidr_merge', ['10.0.0.0/24', '10.0.2.0/24'])), ['10.0.0.0/24', '10.0.2.0/24']);
  t.deepEqual(sorted(call('net.cidr_merge', ['2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64', '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128'])), [
    '2601:600:8a80:207e::/64',
  ]);
  t.deepEqual(sorted(call('net.cidr_merge', [])), []);
});

test('cidr_merge gives bare IPv4 addresses their classful mask, as Go does', (t) => {
  t.deepEqual(sorted(call('net.cidr_merge', ['192.168.1.254'])), ['192.168.1.254/24']);
  t.deepEqual(sorted(call('net.cidr_merge', ['192.168.1.254', '192.168.1.254'])), ['192.168.1.0/24']);
});

test('cidr_merge errors', (t) => {
  fails(t, 'eval_builtin_error', 'net.cidr_merge: IPv6 invalid: needs prefix length', 'net.cidr_merge', ['2601:600::1']);
  fails(t, 'eval_builtin_error', 'net.cidr_merge: element must be string', 'net.cidr_merge', [1]);
  fails(t, 'eval_builtin_error', 'net.cidr_merge: invalid CIDR address: x/8', 'net.cidr_merge', ['x/8']);
  fails(t, 'eval_builtin_error', 'net.cidr_merge: operand must be an array', 'net.cidr_merge', 'x');
});
