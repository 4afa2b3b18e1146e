import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyFiles, PolicyFilesError } from '../../src/bundle/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

function tree(files: Record<string, string>): string {
  const root = temporaryDirectory('warden-data-files-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test('allDataFiles: every JSON and YAML file is data at its directory path, the file name not part of it', (t) => {
  const root = tree({
    'p.rego': 'package p',
    'roles.json': '{"roles": {"alice": ["admin"]}}',
    'teams/users.yaml': 'users: [alice]',
    'teams/more.yml': 'leads: [bob]',
    'teams/data.json': '{"size": 2}',
    '.hidden/secret.json': '{"secret": 1}',
    '.manifest': '{"roots": [""]}',
    'notes.txt': 'not data',
  });
  const files = loadPolicyFiles([root], { allDataFiles: true });
  t.deepEqual(files.data, { roles: { alice: ['admin'] }, teams: { users: ['alice'], leads: ['bob'], size: 2 } });
});

test('without allDataFiles (bundle semantics: serve, build) only data.{json,yaml,yml} are read', (t) => {
  const root = tree({ 'roles.json': '{"roles": 1}', 'x/data.yaml': 'k: 1' });
  t.deepEqual(loadPolicyFiles([root]).data, { x: { k: 1 } });
});

test('two files giving one key different values: an error naming both files', (t) => {
  const root = tree({ 'a/one.json': '{"limit": 1}', 'a/two.yaml': 'limit: 2' });
  const e = t.throws(() => loadPolicyFiles([root], { allDataFiles: true }), { instanceOf: PolicyFilesError });
  t.regex(e!.message, /a\/two\.yaml: data at a\.limit is defined twice/);
  t.regex(e!.message, /also defined in .*a\/one\.json/);
});

test('a key nested below another file\'s value names that file too', (t) => {
  // a/b.json is read first (sorted walk), then data.json's scalar collides with its object.
  const root = tree({ 'data.json': '{"a": 5}', 'a/b.json': '{"c": 1}' });
  const e = t.throws(() => loadPolicyFiles([root], { allDataFiles: true }), { instanceOf: PolicyFilesError });
  t.regex(e!.message, /data at a is defined twice, with different values/);
  t.regex(e!.message, /^\S*\/data\.json: .*\(also defined in \S*\/a\/b\.json\)$/);
});

test('files that agree merge: the same value twice, and disjoint keys of one object', (t) => {
  const root = tree({ 'a/one.json': '{"limit": 1, "x": {"p": 1}}', 'a/two.json': '{"limit": 1, "x": {"q": 2}}' });
  t.deepEqual(loadPolicyFiles([root], { allDataFiles: true }).data, { a: { limit: 1, x: { p: 1, q: 2 } } });
});

for (const [text, where] of [
  ['{\n  "a": 1,\n  "b" 2\n}', '3:7'],
  ['{"a": tru}', '1:7'],
  ['[1,\n2', '2:2'],
  ['{"a": 1} x', '1:10'],
] as const) {
  test(`a JSON syntax error names the file and line:col, not an offset: ${JSON.stringify(text)}`, (t) => {
    const root = tree({ 'p/bad.json': text });
    const e = t.throws(() => loadPolicyFiles([root], { allDataFiles: true }), { instanceOf: PolicyFilesError });
    t.true(e!.file.endsWith('p/bad.json'));
    t.true(e!.message.includes(`not valid JSON at ${where}:`), e!.message);
  });
}

test('a YAML syntax error names the file and its line:col', (t) => {
  const root = tree({ 'p/bad.yaml': 'a: 1\nb: [1, 2\n' });
  const e = t.throws(() => loadPolicyFiles([root], { allDataFiles: true }), { instanceOf: PolicyFilesError });
  t.true(e!.file.endsWith('p/bad.yaml'));
  t.regex(e!.message, /not valid YAML: .*at line \d+, column \d+/);
});

test('a directory mounted below another file\'s scalar: "is not an object", naming both files', (t) => {
  const root = tree({ 'data.json': '{"z": 5}', 'z/b/c.json': '{"c": 1}' });
  const e = t.throws(() => loadPolicyFiles([root], { allDataFiles: true }), { instanceOf: PolicyFilesError });
  t.regex(e!.message, /^\S*\/z\/b\/c\.json: data at z is not an object \(also defined in \S*\/data\.json\)$/);
});
