import test from 'ava';
import { BundleError, deltaBundle, type DeltaBundle } from '../../src/bundle/index.js';
import { DataWriteError } from '../../src/engine/index.js';
import { deltaOperations } from '../../src/server/delta-activation.js';
import { stringifyJsonExact } from '../../src/engine/exact-json.js';

function files(entries: Record<string, unknown>): Map<string, Buffer> {
  return new Map(Object.entries(entries).map(([name, content]) => [name, Buffer.from(typeof content === 'string' ? content : JSON.stringify(content))]));
}

test('a snapshot (no "delta": true) is not a delta bundle', (t) => {
  t.is(deltaBundle(files({ '/.manifest': { revision: 'r1' }, '/data.json': {} })), undefined);
  t.is(deltaBundle(files({ '/data.json': {} })), undefined);
});

test('a delta bundle gives its manifest and operations in order', (t) => {
  const delta = deltaBundle(
    files({
      '/.manifest': { revision: 'r2', delta: true, roots: ['grants'] },
      '/patch.json': { data: [{ op: 'upsert', path: '/grants/bob', value: ['read'] }, { op: 'remove', path: '/grants/alice' }] },
    }),
  );
  t.deepEqual(delta, {
    manifest: { revision: 'r2', delta: true, roots: ['grants'] },
    operations: [{ op: 'upsert', path: '/grants/bob', value: ['read'] }, { op: 'remove', path: '/grants/alice' }],
  });
});

test('a delta bundle\'s values keep the digits of numbers a double cannot hold', (t) => {
  const delta = deltaBundle(files({ '/.manifest': { revision: 'r2', delta: true }, '/patch.json': '{"data": [{"op": "upsert", "path": "/ids", "value": [12345678901234567891]}]}' }));
  t.is(stringifyJsonExact(delta!.operations[0]), '{"op":"upsert","path":"/ids","value":[12345678901234567891]}');
});

test('a delta bundle that holds policy or data, lacks patch.json, or has an unknown op is refused saying what', (t) => {
  const manifest = { revision: 'r2', delta: true };
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ '/.manifest': manifest, '/patch.json': { data: [] }, '/p.rego': 'package p' }, /holds only .* not \/p\.rego/],
    [{ '/.manifest': manifest }, /needs \/patch\.json/],
    [{ '/.manifest': manifest, '/patch.json': '{"data": [' }, /patch\.json is not JSON/],
    [{ '/.manifest': manifest, '/patch.json': { data: [{ op: 'add', path: '/a', value: 1 }] } }, /data\[0\]\.op must be upsert, remove or replace/],
    [{ '/.manifest': manifest, '/patch.json': { data: [{ op: 'upsert', path: 'a', value: 1 }] } }, /data\[0\]\.path/],
    [{ '/.manifest': manifest, '/patch.json': { data: [{ op: 'replace', path: '/a' }] } }, /data\[0\] \(replace\) has no value/],
  ];
  for (const [bundle, message] of cases) t.throws(() => deltaBundle(files(bundle)), { instanceOf: BundleError, message }, message.source);
});

test('delta operations become data writes; a path outside the manifest roots is refused naming it', (t) => {
  const delta: DeltaBundle = {
    manifest: { revision: 'r2', delta: true, roots: ['grants', 'roles/admin'] },
    operations: [
      { op: 'upsert', path: '/grants/bob', value: 1 },
      { op: 'remove', path: '/roles/admin/x' },
      { op: 'replace', path: '/grants/alice', value: 2 },
    ],
  };
  t.deepEqual(deltaOperations(delta), [
    { kind: 'put', path: ['grants', 'bob'], value: 1 },
    { kind: 'delete', path: ['roles', 'admin', 'x'] },
    { kind: 'patch', path: [], patch: [{ op: 'replace', path: '/grants/alice', value: 2 }] },
  ]);
  const outside = { ...delta, operations: [{ op: 'upsert' as const, path: '/roles/other', value: 1 }] };
  t.throws(() => deltaOperations(outside), { instanceOf: DataWriteError, message: /data\[0\]: \/roles\/other is outside the delta's roots/ });
  t.deepEqual(deltaOperations({ manifest: { delta: true }, operations: [{ op: 'remove', path: '/anything' }] }), [{ kind: 'delete', path: ['anything'] }], 'no roots: all of data');
});
