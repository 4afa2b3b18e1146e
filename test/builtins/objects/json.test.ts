import test from 'ava';
import { call, fails, same, set } from '../helpers.js';
import type { RegoValue } from '../../../src/builtins/value.js';

const doc = { a: { b: 1, c: [10, 20, 30], d: set('x', 'y') }, e: 'f', '/': { '~': 2 } };

test('json.filter keeps the selected paths', (t) => {
  t.deepEqual(call('json.filter', doc, ['a/b', 'e']), { a: { b: 1 }, e: 'f' });
  t.deepEqual(call('json.filter', doc, ['/a/c/0', 'a/c/2']), { a: { c: [10, 30] } });
  t.deepEqual(call('json.filter', doc, [['a', 'b']]), { a: { b: 1 } });
  t.deepEqual(call('json.filter', doc, ['~1/~0']), { '/': { '~': 2 } });
  t.deepEqual(call('json.filter', doc, ['a', 'a/b']), { a: doc.a });
  t.deepEqual(call('json.filter', doc, set('a/b', 'a')), { a: doc.a });
  t.deepEqual(call('json.filter', doc, ['e/deeper']), { e: 'f' });
  t.deepEqual(call('json.filter', doc, []), {});
  t.deepEqual(call('json.filter', doc, ['']), {});
  same(t, call('json.filter', doc, ['a/d/x']), { a: { d: set('x') } });
  // Array elements are matched by their index as a string, so numeric segments miss them.
  t.deepEqual(call('json.filter', doc, [['a', 'c', 1]]), { a: { c: [] } });
});

test('json.remove drops the selected paths', (t) => {
  t.deepEqual(call('json.remove', { a: { b: 1, c: 2 }, d: 3 }, ['a/b']), { a: { c: 2 }, d: 3 });
  t.deepEqual(call('json.remove', { a: [1, 2, 3] }, set('a/0', '/a/2')), { a: [2] });
  t.deepEqual(call('json.remove', { a: 1 }, ['x/y']), { a: 1 });
  t.deepEqual(call('json.remove', { a: 1 }, []), { a: 1 });
  t.deepEqual(call('json.remove', { a: { b: 1 } }, [['a', 'b'], 'a']), {});
  same(t, call('json.remove', { s: set('x', 'y') }, ['s/x']), { s: set('y') });
});

test('json.filter and json.remove errors', (t) => {
  fails(t, 'eval_type_error', 'json.remove: operand 1 must be object but got string', 'json.remove', 'a', []);
  fails(t, 'eval_type_error', 'json.filter: operand 1 must be object but got array', 'json.filter', [], []);
  fails(t, 'eval_type_error', 'json.remove: operand 2 must be one of {set, array} but got object', 'json.remove', {}, {});
  fails(
    t,
    'eval_type_error',
    'json.remove: operand 2 must be one of {set, array} containing string paths or array of path segments but got number',
    'json.remove',
    {},
    set(1),
  );
  fails(
    t,
    'eval_type_error',
    'json.filter: operand 2 must be one of {set, array} containing string paths or array of path segments but got object',
    'json.filter',
    {},
    [{}],
  );
});

test('json.patch applies RFC 6902 operations', (t) => {
  t.deepEqual(call('json.patch', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { foo: 'bar', baz: 'qux' });
  t.deepEqual(call('json.patch', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), {
    foo: ['bar', 'qux', 'baz'],
  });
  t.deepEqual(call('json.patch', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['a'] }]), { foo: ['bar', ['a']] });
  t.deepEqual(call('json.patch', { a: 1, b: 2 }, [{ op: 'remove', path: '/a' }]), { b: 2 });
  t.deepEqual(call('json.patch', { a: null }, [{ op: 'replace', path: '/a', value: 3 }]), { a: 3 });
  t.deepEqual(
    call('json.patch', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]),
    { foo: ['all', 'cows', 'eat', 'grass'] },
  );
  t.deepEqual(call('json.patch', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }]), { a: { b: 1 }, c: { b: 1 } });
  t.deepEqual(call('json.patch', { '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }]), { '~1': 10 });
  t.deepEqual(call('json.patch', {}, [{ op: 'add', path: '', value: [] }]), []);
  t.deepEqual(call('json.patch', {}, [{ op: 'add', path: '/', value: 1 }]), { '': 1 });
  t.deepEqual(call('json.patch', [], [{ op: 'add', path: ['-'], value: 'hi' }]), ['hi']);
  t.is(call('json.patch', 'scalar', []), 'scalar');
});

test('json.patch on sets and non-string keys', (t) => {
  same(t, call('json.patch', { s: set(1, 2) }, [{ op: 'add', path: ['s', 3], value: 3 }]), { s: set(1, 2, 3) });
  same(t, call('json.patch', { s: set(1, 2) }, [{ op: 'remove', path: ['s', 1] }]), { s: set(2) });
  same(t, call('json.patch', set([0], 'a'), [{ op: 'add', path: [[0], 1], value: 1 }]), set([0, 1], 'a'));
  t.is(call('json.patch', { s: set(1) }, [{ op: 'add', path: ['s', 3], value: 4 }]), undefined);
});

test('json.patch is undefined when an operation fails', (t) => {
  const fail = (target: object, ops: object[]): void => {
    t.is(call('json.patch', target as never, ops as never), undefined);
  };
  fail({ q: { bar: 2 } }, [{ op: 'add', path: '/a/b', value: 1 }]);
  fail({ bar: [1, 2] }, [{ op: 'add', path: '/bar/8', value: 5 }]);
  fail({ bar: [1, 2] }, [{ op: 'add', path: '/bar/-1', value: 5 }]);
  fail(['foo', 'sil'], [{ op: 'add', path: '/bar', value: 42 }]);
  fail(['foo', 'bar'], [{ op: 'test', path: '/01', value: 'bar' }]);
  fail(['foo', 'bar'], [{ op: 'test', path: '/1e0', value: 'bar' }]);
  fail({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]);
  fail({ a: 1 }, [{ op: 'remove', path: '/b' }]);
  fail({ a: 1 }, [{ op: 'spam', path: '/a' }]);
  fail({ a: 1 }, [{ op: 'add', value: 1 }]);
  fail({ a: 1 }, [{ op: 'add', path: null, value: 1 }]);
  fail({ a: 1 }, [{ op: 'add', path: '/b' }]);
  fail({ a: 1 }, [{ op: 'copy', path: '/b' }]);
  fail({ a: 1 }, [{ op: 'move', from: '/x', path: '/b' }]);
  fail({ a: 1 }, ['not an object' as never]);
  fail([1, 2, 3], [{ op: 'add', path: '1.2', value: 'foo' }]);
});

test('json.patch operand errors', (t) => {
  fails(t, 'eval_type_error', 'json.patch: operand 2 must be array but got object', 'json.patch', {}, {});
});

// OPA's edittree: removing the root leaves no document; inserting at the root replaces it; a
// removed root has nothing to insert into or read from (so `from` a proper prefix of `path` fails).
test('json.patch at the document root follows OPA', (t) => {
  const root = { a: 1, b: [1, 2] };
  const patch = (...ops: RegoValue[]) => call('json.patch', root, ops);
  for (const path of ['', []]) {
    t.is(patch({ op: 'remove', path }), undefined);
    t.deepEqual(patch({ op: 'add', path, value: 5 }), 5);
    t.deepEqual(patch({ op: 'replace', path, value: 5 }), 5);
    t.deepEqual(patch({ op: 'move', from: path, path }), root);
    t.deepEqual(patch({ op: 'copy', from: path, path }), root);
    t.deepEqual(patch({ op: 'test', path, value: root }), root);
    t.is(patch({ op: 'test', path, value: 1 }), undefined);
  }
  t.is(patch({ op: 'move', from: '', path: '/c' }), undefined);
  t.deepEqual(patch({ op: 'move', from: '/a', path: '' }), 1);
  t.deepEqual(patch({ op: 'copy', from: '', path: '/c' }), { ...root, c: root });
  t.deepEqual(patch({ op: 'remove', path: '' }, { op: 'add', path: '', value: 7 }), 7);
  t.is(patch({ op: 'remove', path: '' }, { op: 'add', path: '/x', value: 7 }), undefined);
  t.is(patch({ op: 'remove', path: '' }, { op: 'remove', path: '' }), undefined);
  t.is(patch({ op: 'remove', path: '' }, { op: 'test', path: '', value: null }), undefined);
});
