import test from 'ava';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBundle } from '../../src/bundle/index.js';
import { loadRevision } from '../../src/engine/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

// Plans that OPA's own planner wrote (`opa build -t plan`), from the shared conformance cases, used
// where they are: a bundle holding one must load and evaluate as OPA's results say.
const conformance = join(process.cwd(), '../shared/conformance');
const withCases = existsSync(conformance) ? test : test.skip;

interface PlanCase {
  note: string;
  plan?: unknown;
  input?: unknown;
  data?: Record<string, unknown>;
  want_plan_result?: unknown[];
  sort_bindings?: boolean;
}

function casesOf(category: string): PlanCase[] {
  const dir = join(conformance, category);
  return readdirSync(dir).flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: PlanCase[] }).cases);
}

withCases('a bundle built by OPA with -t plan loads and evaluates as OPA says', async (t) => {
  const cases = [...casesOf('helloworld'), ...casesOf('elsekeyword'), ...casesOf('every')].filter((c) => c.plan && c.want_plan_result && !c.sort_bindings);
  t.true(cases.length >= 10);
  for (const c of cases) {
    const file = join(temporaryDirectory('warden-opa-plan-'), 'bundle.tar.gz');
    writeFileSync(file, await writeBundle({ manifest: { revision: 'opa-built', roots: [''] }, data: c.data ?? {}, modules: [], plan: c.plan }));
    const revision = await loadRevision({ bundle: file, entrypoints: ['eval'] });
    t.is(revision.id, 'opa-built');
    t.deepEqual(revision.entrypoints, ['eval'], c.note);
    // A query plan's rows are its bindings; OPA's harness compares them in any order.
    const rows = revision.policy!.evaluate(c.input as object, 'eval') as unknown[];
    const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    t.deepEqual(sorted(rows), sorted(c.want_plan_result!), c.note);
  }
});
