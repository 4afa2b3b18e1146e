import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { applyToPolicy, DataWriteError, DocumentEditor, editDocument, instanceWrites, jsonPatch, type DataOperation } from '../../src/engine/index.js';

const DUMP = 'package dump\n\ndoc := data.d\n';

/** A policy instance holding `data`, and its data as the instance sees it. */
async function instance(data: Record<string, unknown>) {
  const wasm = await compile({ modules: [{ path: 'dump.rego', source: DUMP }], entrypoints: ['dump/doc'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  policy.setData(data);
  const seen = () => (policy.evaluate({}, 'dump/doc') as Array<{ result?: unknown }>)[0]?.result;
  return { policy, seen };
}

/** Makes `operation` in a JS document and in an instance loaded with the same data; both views after it. */
async function both(start: Record<string, unknown>, operation: DataOperation) {
  const doc = structuredClone({ d: start });
  const { policy, seen } = await instance(structuredClone(doc));
  const editor = new DocumentEditor(doc);
  const written = editDocument(editor, { ...operation, path: ['d', ...operation.path] });
  applyToPolicy(policy, instanceWrites(editor));
  // An evaluation in between must not disturb the written data (its heap starts after it).
  seen();
  return { written, doc: doc.d, instance: seen() };
}

const START = { users: { alice: ['read'], bob: ['write'] }, list: [1, 2, 3], flag: true };

test('PUT creates missing parents and replaces what is there; the instance sees the same document', async (t) => {
  const a = await both(START, { kind: 'put', path: ['users', 'carol'], value: ['admin'] });
  t.deepEqual(a.doc, { ...START, users: { ...START.users, carol: ['admin'] } });
  t.deepEqual(a.instance, a.doc);
  const b = await both(START, { kind: 'put', path: ['new', 'deep', 'key'], value: 7 });
  t.deepEqual((b.doc as any).new, { deep: { key: 7 } });
  t.deepEqual(b.instance, b.doc);
});

test('PUT with If-None-Match where a document exists changes nothing and says so', async (t) => {
  const r = await both(START, { kind: 'put', path: ['users', 'alice'], value: [], ifNoneMatch: true });
  t.false(r.written);
  t.deepEqual(r.doc, START);
  t.deepEqual(r.instance, START);
});

test('JSON Patch add, replace, remove, move, copy and test inside objects and arrays reach the instance', async (t) => {
  const patch = jsonPatch([
    { op: 'test', path: '/flag', value: true },
    { op: 'add', path: '/list/1', value: 9 },
    { op: 'add', path: '/list/-', value: 4 },
    { op: 'replace', path: '/users/bob', value: ['read'] },
    { op: 'remove', path: '/users/alice' },
    { op: 'move', from: '/flag', path: '/moved' },
    { op: 'copy', from: '/users', path: '/copied' },
  ]);
  const r = await both(START, { kind: 'patch', path: [], patch });
  t.deepEqual(r.doc, { users: { bob: ['read'] }, list: [1, 9, 2, 3, 4], moved: true, copied: { bob: ['read'] } });
  t.deepEqual(r.instance, r.doc);
});

test('a failing test op applies nothing of the patch (the document is put back exactly)', async (t) => {
  const doc = structuredClone({ d: START });
  const editor = new DocumentEditor(doc);
  const patch = jsonPatch([
    { op: 'add', path: '/users/eve', value: ['x'] },
    { op: 'remove', path: '/list/0' },
    { op: 'test', path: '/flag', value: false },
  ]);
  const error = t.throws(() => editDocument(editor, { kind: 'patch', path: ['d'], patch }), { instanceOf: DataWriteError });
  t.is(error?.code, 'data_conflict');
  t.regex(error!.message, /patch\[2\] \(test\)/);
  t.deepEqual(doc.d, START);
});

test('missing targets are not found; DELETE of a missing key, remove of one, add under a missing parent', async (t) => {
  const cases: DataOperation[] = [
    { kind: 'delete', path: ['d', 'nobody'] },
    { kind: 'patch', path: ['d'], patch: jsonPatch([{ op: 'remove', path: '/users/nobody' }]) },
    { kind: 'patch', path: ['d'], patch: jsonPatch([{ op: 'add', path: '/no/such', value: 1 }]) },
    { kind: 'patch', path: ['d', 'missing'], patch: [] },
  ];
  for (const operation of cases) {
    const doc = structuredClone({ d: START });
    const error = t.throws(() => editDocument(new DocumentEditor(doc), operation), { instanceOf: DataWriteError }, JSON.stringify(operation));
    t.is(error?.code, 'data_not_found');
    t.deepEqual(doc.d, START);
  }
});

test('malformed patches are refused saying which operation and what is wrong', (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [{ op: 'add' }, /list of operations/],
    [[{ op: 'jump', path: '/a' }], /patch\[0\]\.op/],
    [[{ op: 'add', path: 'a', value: 1 }], /patch\[0\]\.path.*JSON pointer/],
    [[{ op: 'add', path: '/a' }], /patch\[0\] \(add\) has no value/],
    [[{ op: 'test', path: '/a', value: 1 }, { op: 'copy', path: '/b' }], /patch\[1\]\.from/],
  ];
  for (const [body, message] of bad) {
    const error = t.throws(() => jsonPatch(body), { instanceOf: DataWriteError });
    t.is(error?.code, 'data_invalid');
    t.regex(error!.message, message);
  }
});

test('a key named __proto__ is written as data, not as a prototype', async (t) => {
  const r = await both(START, { kind: 'put', path: ['__proto__'], value: { polluted: true } });
  t.deepEqual(Object.keys(r.doc), ['users', 'list', 'flag', '__proto__']);
  t.is(({} as any).polluted, undefined);
  t.deepEqual((r.instance as any)['__proto__'], { polluted: true });
});

test('writing under a value that is not an object is a conflict', (t) => {
  const doc = structuredClone({ d: START });
  const error = t.throws(() => editDocument(new DocumentEditor(doc), { kind: 'put', path: ['d', 'flag', 'x'], value: 1 }), { instanceOf: DataWriteError });
  t.is(error?.code, 'data_conflict');
});

test('DELETE removes from the instance too, and the root can be replaced member by member', async (t) => {
  const r = await both(START, { kind: 'delete', path: ['users', 'bob'] });
  t.deepEqual(r.instance, { ...START, users: { alice: ['read'] } });
  const doc: Record<string, unknown> = { a: 1, b: { c: 2 } };
  const { policy } = await instance(structuredClone(doc));
  const editor = new DocumentEditor(doc);
  editDocument(editor, { kind: 'put', path: [], value: { b: 3, d: [4] } });
  applyToPolicy(policy, instanceWrites(editor));
  t.deepEqual(doc, { b: 3, d: [4] });
  const source = 'package w\n\nb := data.b\n\nd := data.d\n\na_gone if not data.a\n';
  const other = await loadPolicy(await compile({ modules: [{ path: 'w.rego', source }], entrypoints: ['w/b', 'w/d', 'w/a_gone'] }), undefined, hostBuiltins);
  other.setData({ a: 1, b: { c: 2 } });
  applyToPolicy(other, instanceWrites(editor));
  const result = (entrypoint: string) => (other.evaluate({}, entrypoint) as Array<{ result: unknown }>)[0]?.result;
  t.deepEqual([result('w/b'), result('w/d'), result('w/a_gone')], [3, [4], true]);
});
