import test from 'ava';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('every ported file (a "Provenance:" header) is named in NOTICE by its path, and NOTICE names no file that is gone', (t) => {
  const notice = readFileSync(join(root, 'NOTICE'), 'utf8');
  const ported = sources(join(root, 'src'))
    .filter((f) => /^\/\/ Provenance: /m.test(readFileSync(f, 'utf8').split('\n').slice(0, 3).join('\n')))
    .map((f) => relative(root, f));
  t.true(ported.length >= 12);
  for (const f of ported) t.regex(notice, new RegExp(`^ {4}${f.replace(/[.]/g, '\\.')}\\s`, 'm'), `${f} is not in NOTICE`);
  const named = [...notice.matchAll(/^ {4}(src\/\S+\.ts)\s/gm)].map((m) => m[1]!);
  for (const f of named) t.true(existsSync(join(root, f)), `NOTICE names ${f}, which does not exist`);
  t.deepEqual(named.filter((f) => !ported.includes(f)), [], 'NOTICE names files without a Provenance line');
});
