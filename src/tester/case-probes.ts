import type { SourceModule } from '../rego/compile.js';
import type { Term } from '../rego/ast.js';
import { varsOf } from '../rego/compile/terms.js';
import type { DiscoveredTest } from './find-tests.js';
import { probeContext, topLevelVars, type ProbeContext } from './probe-source.js';

/**
 * Probe rules that list a parameterized test's case keys as soon as its body has bound them (before
 * the assertions that may fail), so a failing case is named, not merely missing from the result.
 * OPA does this with a trace event (`internal.test_case`); compiled Wasm has no trace, so the
 * tester asks for the keys as a rule of their own.
 */
export interface CaseProbes {
  /** One module per test module holding probes, in that module's package. */
  modules: SourceModule[];
  /** Each parameterized test's probe entrypoints (each evaluates to a set of key paths). */
  entrypoints: Map<string, string[]>;
}

const PROBE_RULE = '__warden_cases_';
const PROBE_FILE_SUFFIX = '#warden-cases.rego';

type Rule = DiscoveredTest['definitions'][number]['rule'];

function keyTermsOf(found: DiscoveredTest, rule: Rule): Term[] {
  const tail = rule.head.ref.slice(found.nameIndex + 1);
  return rule.head.contains && rule.head.key ? [...tail, rule.head.key] : tail;
}

/** The probe rule of one definition: its key terms as an array, after the shortest body prefix binding them. */
function probeRule(ctx: ProbeContext, name: string, keys: Term[], rule: Rule): string {
  const needed = new Set<string>();
  for (const k of keys) varsOf(k, needed);
  const locals = [...needed].filter(ctx.isLocal);
  const seen = new Set<string>();
  let k = 0;
  while (k < rule.body.length && !locals.every((n) => seen.has(n))) topLevelVars(rule.body[k++]!, seen);
  const prefix = rule.body.slice(0, k).map(ctx.text).join('\n  ');
  // A string key of a dotted ref head (`test_group.one`) is written without quotes in the source.
  const key = `[${keys.map((t) => (t.type === 'string' ? JSON.stringify(t.value) : ctx.text(t))).join(', ')}]`;
  const head = ctx.hasContains ? `${name} contains ${key} ${ctx.bodyOpen}` : `${name}[${key}] ${ctx.bodyOpen}`;
  return `${head}\n  true\n  ${prefix}\n}`;
}

/** Probe rules for every `cases` test of `tests` whose module source is in `sources`. */
export function caseProbes(tests: readonly DiscoveredTest[], sources: ReadonlyMap<string, string>, ruleNames: ReadonlySet<string>): CaseProbes {
  const rulesByFile = new Map<string, { ctx: ProbeContext; rules: string[] }>();
  const entrypoints = new Map<string, string[]>();
  let n = 0;
  for (const found of tests) {
    if (found.test.kind !== 'cases') continue;
    const names: string[] = [];
    for (const { rule, module } of found.definitions) {
      const source = sources.get(module.file);
      if (source === undefined) continue;
      let entry = rulesByFile.get(module.file);
      if (!entry) {
        entry = { ctx: probeContext(module, source, ruleNames), rules: [] };
        rulesByFile.set(module.file, entry);
      }
      const name = `${PROBE_RULE}${n++}`;
      entry.rules.push(probeRule(entry.ctx, name, keyTermsOf(found, rule), rule));
      names.push([...module.package.path.map((p) => p.value), name].join('/'));
    }
    entrypoints.set(found.test.name, names);
  }
  const modules = [...rulesByFile].map(([file, { ctx, rules }]) => ({
    path: `${file}${PROBE_FILE_SUFFIX}`,
    source: `${ctx.preamble}${rules.join('\n')}\n`,
    regoVersion: ctx.module.regoVersion,
  }));
  return { modules, entrypoints };
}
