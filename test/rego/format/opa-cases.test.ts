/**
 * OPA's own formatter cases (open-policy-agent/opa v1/format/testfiles), read where they are kept
 * (`../shared/fmt`, or WARDEN_FMT_CASES): each MANIFEST entry is one test, named folder/name.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from '../../../src/rego/syntax/index.js';
import { FormatError, formatSource, type FormatTarget } from '../../../src/rego/format/index.js';

interface Case {
  subfolder: 'v0' | 'v1' | 'v0_to_v1';
  name: string;
  input_file: string;
  expected_file: string;
  kind: 'format' | 'idempotent' | 'error';
}

const root = process.env.WARDEN_FMT_CASES ?? join(process.cwd(), '..', 'shared', 'fmt');
const manifest = join(root, 'MANIFEST.json');

const TARGET: Record<Case['subfolder'], FormatTarget> = { v0: 'v0', v1: 'v1', v0_to_v1: 'v0-compat-v1' };
const PARSE: Record<Case['subfolder'], 0 | 1> = { v0: 0, v1: 1, v0_to_v1: 0 };
/** The syntax OPA parses the output with: v0 stays v0, v0-compatible-v1 output is read as v1. */
const REPARSE: Record<Case['subfolder'], 0 | 1> = { v0: 0, v1: 1, v0_to_v1: 1 };

if (!existsSync(manifest)) {
  test(`formatter cases present at ${root}`, (t) => t.fail(`no MANIFEST.json at ${root}: set WARDEN_FMT_CASES to the folder of OPA's formatter cases`));
} else {
  const cases = JSON.parse(readFileSync(manifest, 'utf8')) as Case[];
  for (const c of cases) {
    const id = `${c.subfolder}/${c.name}`;
    test(`${id} (${c.kind})`, (t) => {
      const input = readFileSync(join(root, c.input_file), 'utf8');
      const file = `testfiles/${c.subfolder}/${c.name}.rego`;
      const target = TARGET[c.subfolder];
      if (c.kind === 'error') {
        const error = t.throws(() => formatSource(input, { file, target, parseVersion: PARSE[c.subfolder] }), { instanceOf: FormatError });
        t.is(error?.message, readFileSync(join(root, c.expected_file), 'utf8').trimEnd());
        return;
      }
      const output = formatSource(input, { file, target, parseVersion: PARSE[c.subfolder] });
      t.is(output, readFileSync(join(root, c.expected_file), 'utf8'), 'byte for byte as opa fmt');
      const reparsed = parseModule(output, { file, regoVersion: REPARSE[c.subfolder] });
      t.deepEqual(reparsed.diagnostics, [], 'the output parses');
      const again = formatSource(output, { file, target, parseVersion: REPARSE[c.subfolder] });
      t.is(again, output, 'formatting the output again changes nothing');
    });
  }
}
