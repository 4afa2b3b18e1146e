import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRevision, composeDataText, dataDocument, EngineError, loadRevision, type DataDocument } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const encoder = new TextEncoder();
const doc = (mount: string[], text: string, file = `${mount.join('/') || '.'}/data.json`): DataDocument => dataDocument(file, mount, encoder.encode(text));
const text = (documents: DataDocument[]) => JSON.parse(new TextDecoder().decode(composeDataText(documents)));

test('data files are spliced into one text at their mount points, and parsed only where two share one', (t) => {
  t.deepEqual(text([]), {});
  t.deepEqual(text([doc([], '{"a": 1}')]), { a: 1 });
  t.deepEqual(text([doc(['x', 'y'], '[1, 2]'), doc(['x', 'z'], '"s"'), doc(['w'], ' {"k": null} ')]), { x: { y: [1, 2], z: 's' }, w: { k: null } });
  // A file at the root and one below it merge as values; so do two objects meeting at one key.
  t.deepEqual(text([doc([], '{"a": {"b": 1}}'), doc(['a'], '{"c": 2}')]), { a: { b: 1, c: 2 } });
  t.throws(() => composeDataText([doc([], '{"a": {"b": 1}}'), doc(['a', 'b'], '2')]), { message: /data at a\.b is defined twice/ });
  // Three files at one mount point (data.json, data.yaml, data.yml): none is lost.
  t.deepEqual(text([doc(['m'], '{"a": 1}'), doc(['m'], '{"b": 2}'), doc(['m'], '{"c": 3}')]), { m: { a: 1, b: 2, c: 3 } });
});

test('a data file at the root that is not an object is refused when read, naming the file', (t) => {
  t.throws(() => doc([], ' [1]', 'p/data.json'), { message: 'p/data.json: a data file at the root must hold an object' });
  t.notThrows(() => doc(['a'], '[1]'));
});

test('data that is not JSON fails the load with the file and its line:col, found only once the instance could not parse it', async (t) => {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: 'package p\n\nx := data.a\n' }], entrypoints: ['p/x'] });
  const good = doc(['a'], '{"ok": true}', 'p/a/data.json');
  const bad = doc(['b'], '{\n  "k": [1,\n  2,,]\n}', 'p/b/data.json');
  const e = await t.throwsAsync(buildRevision({ wasm, dataDocuments: [good, bad], source: 'p', id: 'r' }), { instanceOf: EngineError });
  t.regex(e!.message, /p\/b\/data\.json: not valid JSON at 3:5/);
  const revision = await buildRevision({ wasm, dataDocuments: [good], source: 'p', id: 'r' });
  t.deepEqual((revision.policy!.evaluate({}, 'p/x') as Array<{ result: unknown }>)[0]!.result, { ok: true });
});

test('a policy directory loads its data as file texts: the revision id follows the bytes, and no instance is made where other threads evaluate', async (t) => {
  const dir = temporaryDirectory('warden-data-docs-');
  mkdirSync(join(dir, 'grants'));
  writeFileSync(join(dir, 'p.rego'), 'package p\n\nx := data.grants\n');
  writeFileSync(join(dir, 'grants', 'data.json'), '{"alice": ["read"]}');
  writeFileSync(join(dir, 'data.yaml'), 'team: shop\n');
  const compiler = (modules: Array<{ path: string; source: string }>, entrypoints: string[]) => compile({ modules, entrypoints });
  const options = { policies: dir, entrypoints: ['p/x'], compiler };
  const first = await loadRevision(options);
  t.deepEqual((first.policy!.evaluate({}, 'p/x') as Array<{ result: unknown }>)[0]!.result, { alice: ['read'] });
  t.deepEqual(first.parts.dataDocuments!.map((d) => d.mount), [[], ['grants']]);
  t.is(first.parts.data, undefined, 'the data is never a JS value on the loading thread');
  const detached = await loadRevision({ ...options, instantiate: false });
  t.is(detached.policy, undefined);
  t.is(detached.id, first.id);
  t.deepEqual(detached.entrypoints, ['p/x']);
  // The same value written with other bytes is another revision: the id hashes the files as they are.
  writeFileSync(join(dir, 'grants', 'data.json'), '{ "alice": ["read"] }');
  t.not((await loadRevision(options)).id, first.id);
  // Read into shared memory, found broken only by the instance: still the file and its line:col.
  writeFileSync(join(dir, 'grants', 'data.json'), '{\n "alice": ["read"\n}');
  const e = await t.throwsAsync(loadRevision(options), { instanceOf: EngineError });
  t.regex(e!.message, /grants\/data\.json: not valid JSON at 3:1/);
});
