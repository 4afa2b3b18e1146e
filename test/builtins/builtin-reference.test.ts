import test from 'ava';
import { readFileSync } from 'node:fs';
import { renderBuiltinReference } from '../../src/builtins/registry/reference.js';
import { BUILTINS } from '../../src/builtins/registry/index.js';

test('docs/builtins.md is what the registry says (run `npm run docs:builtins` after changing a declaration)', (t) => {
  const onDisk = readFileSync(new URL('../../docs/builtins.md', import.meta.url), 'utf8');
  t.is(onDisk, renderBuiltinReference());
});

test('the reference lists every builtin under each of its categories, with where it runs', (t) => {
  const text = renderBuiltinReference();
  for (const b of BUILTINS.values()) {
    for (const c of b.categories) {
      const section = text.split(`\n## ${c}\n`)[1]?.split('\n## ')[0] ?? '';
      t.true(section.includes(`| \`${b.name}\` | \`${b.signature}\` |`), `${b.name} under ${c}`);
    }
  }
  t.regex(text, /\| `time\.now_ns` \| `-> number` \| host \| no \| no \| yes \|/);
  t.regex(text, /\| `plus` \| `number, number -> number` \| native, host for other operands \| yes \| no \| yes \|/);
  t.regex(text, /\| `re_match` \| [^|]+ \| host \| yes \| yes \| yes \|/);
});
