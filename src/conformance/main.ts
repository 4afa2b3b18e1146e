import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { CaseRef, ConformanceCase, Mode } from './case-types.js';
import { consoleTable, markdownReport, tally } from './report.js';
import { runPool } from './worker-pool.js';

// npm run conformance -- [DIR] [--from-rego] [--filter SUBSTRING] [--update-baseline]
const args = process.argv.slice(2);
const mode: Mode = args.includes('--from-rego') ? 'rego' : 'plan';
const update = args.includes('--update-baseline');
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--filter');
const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const dir = resolve(positional[0] ?? join(root, '../shared/conformance'));
const baselineFile = join(root, 'conformance-baseline.json');

function listFiles(d: string): string[] {
  return readdirSync(d)
    .sort()
    .flatMap((name) => {
      const p = join(d, name);
      if (statSync(p).isDirectory()) return listFiles(p);
      return name.endsWith('.json') ? [p] : [];
    });
}

if (!existsSync(dir)) {
  console.error(`conformance: no such directory ${dir}`);
  process.exit(2);
}

const refs: CaseRef[] = [];
for (const file of listFiles(dir)) {
  const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases?: ConformanceCase[] }).cases ?? [];
  const category = basename(dirname(file)) === basename(dir) ? basename(file, '.json') : basename(dirname(file));
  cases.forEach((c, index) => {
    if (!filter || file.includes(filter) || c.note.includes(filter)) refs.push({ category, file, index });
  });
}

const started = Date.now();
const outcomes = await runPool(refs, mode, Math.max(1, availableParallelism()), 20_000);
const t = tally(outcomes);
console.log(consoleTable(outcomes));
console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s`);

if (!filter) {
  mkdirSync(join(root, 'docs'), { recursive: true });
  const doc = mode === 'plan' ? 'conformance.md' : 'conformance-rego.md';
  writeFileSync(join(root, 'docs', doc), markdownReport(outcomes, mode, positional[0] ?? '../shared/conformance'));
}

const baseline = existsSync(baselineFile) ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as Record<string, number>) : {};
const floor = baseline[mode] ?? 0;
if (update && !filter) {
  baseline[mode] = t.passed;
  writeFileSync(baselineFile, `${JSON.stringify(baseline, null, 2)}\n`);
}
console.log(`${t.passed} passed, ${t.total - t.passed} failed`);
if (!filter && t.passed < floor) {
  console.error(`conformance (${mode}): ${t.passed} passed is below the baseline of ${floor} in conformance-baseline.json`);
  process.exit(1);
}
