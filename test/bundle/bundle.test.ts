import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadPolicyFiles, readBundle, readBundleFiles, writeBundle, PolicyFilesError, BundleError } from '../../src/bundle/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

function tree(files: Record<string, string>): string {
  const root = temporaryDirectory('warden-bundle-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test('policy directories mount data files at their directory path', (t) => {
  const root = tree({
    'a.rego': 'package a',
    'x/y/b.rego': 'package x.y',
    'x/y/data.json': '{"k": 1}',
    'x/data.yaml': 'z: [1, 2]',
    'data.json': '{"top": true}',
    'README.md': 'ignored',
  });
  const files = loadPolicyFiles([root]);
  t.deepEqual(files.modules.map((m) => m.path.slice(root.length + 1)).sort(), ['a.rego', 'x/y/b.rego']);
  t.deepEqual(files.data, { top: true, x: { z: [1, 2], y: { k: 1 } } });
});

test('bad data files are errors that name the file', (t) => {
  const root = tree({ 'p/data.json': '{nope' });
  const e = t.throws(() => loadPolicyFiles([root]), { instanceOf: PolicyFilesError });
  t.true(e!.file.endsWith('p/data.json'));
  t.regex(e!.message, /not valid JSON/);
});

test('the same data defined twice is an error', (t) => {
  const root = tree({ 'data.json': '{"a": {"b": 1}}', 'a/data.json': '{"b": 2}' });
  t.throws(() => loadPolicyFiles([root]), { instanceOf: PolicyFilesError, message: /defined twice/ });
});

test('bundles round-trip through OPA layout', async (t) => {
  const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  const archive = await writeBundle({
    manifest: { revision: 'r1', roots: [''], wasm: [{ entrypoint: 'a/b', module: '/policy.wasm' }] },
    data: { a: { c: 1 } },
    modules: [{ path: '/a/a.rego', source: 'package a' }],
    wasm,
  });
  const b = await readBundle(archive);
  t.is(b.manifest.revision, 'r1');
  t.deepEqual(b.data, { a: { c: 1 } });
  t.deepEqual([...b.wasm!], [...wasm]);
  t.deepEqual(b.modules, [{ path: '/a/a.rego', source: 'package a' }]);
});

test('a corrupt bundle is a BundleError, not a crash', async (t) => {
  await t.throwsAsync(readBundle(new Uint8Array([1, 2, 3])), { instanceOf: BundleError });
});

test('a bundle that expands past the limit is refused before it is held whole (a gzip bomb)', async (t) => {
  // 8 MiB of zeros gzip to about 8 KiB; a limit of 1 MiB refuses them, and the default limit takes them.
  const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
  t.true(bomb.length < 64 * 1024);
  await t.throwsAsync(readBundleFiles(bomb, 1024 * 1024), { instanceOf: BundleError, message: /expands to more than 1048576 bytes/ });
  const archive = await writeBundle({ manifest: { revision: 'r1' }, data: { big: 'x'.repeat(2 * 1024 * 1024) }, modules: [] });
  await t.throwsAsync(readBundleFiles(archive, 1024 * 1024), { instanceOf: BundleError });
  t.true((await readBundleFiles(archive)).has('/data.json'));
});
