import test from 'ava';
import { folder } from '../helpers/cli.js';
import { loadPolicyFiles, readBundle, writeBundle } from '../../src/bundle/index.js';
import { compile } from '../../src/rego/index.js';

const v0 = 'package old\nallow { input.x == 1 }\n';
const v1 = 'package new\nallow if input.x == 1\n';


test('a policy directory’s .manifest sets the Rego version of its modules, per file where it says so', async (t) => {
  const root = folder({
    '.manifest': JSON.stringify({ rego_version: 1, file_rego_versions: { '/legacy/*.rego': 0 } }),
    'legacy/old.rego': v0,
    'new.rego': v1,
  });
  const files = loadPolicyFiles([root]);
  const versions = Object.fromEntries(files.modules.map((m) => [m.path.slice(root.length + 1), m.regoVersion]));
  t.deepEqual(versions, { 'legacy/old.rego': 0, 'new.rego': 1 });
  t.true((await compile({ modules: files.modules, entrypoints: ['old/allow', 'new/allow'] })).length > 0);
});

test('without a manifest, modules take the version the command line gives', async (t) => {
  const files = loadPolicyFiles([folder({ 'old.rego': v0 })]);
  t.is(files.modules[0]!.regoVersion, undefined);
  await t.throwsAsync(compile({ modules: files.modules }), { message: /old\.rego:2/ });
  t.true((await compile({ modules: files.modules, regoVersion: 0 })).length > 0);
});

test('a bundle manifest’s rego_version applies to the modules read from the archive', async (t) => {
  const bytes = await writeBundle({ manifest: { revision: 'r1', rego_version: 0 }, data: {}, modules: [{ path: '/old.rego', source: v0 }] });
  const bundle = await readBundle(bytes);
  t.is(bundle.modules[0]!.regoVersion, 0);
  t.true((await compile({ modules: bundle.modules, entrypoints: ['old/allow'] })).length > 0);
});
