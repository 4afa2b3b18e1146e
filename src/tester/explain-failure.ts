import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import type { PolicyFiles } from '../bundle/policy-files.js';
import type { Expr, Module, Rule, Term } from '../rego/ast.js';
import { CompileError } from '../rego/errors.js';
import { compile, parseModules, renameDuplicateTests, type SourceModule } from '../rego/compile.js';
import { walkTerm, varsOf } from '../rego/compile/terms.js';
import { probeContext, ruleNamesOf, topLevelVars, type ProbeContext } from './probe-source.js';
import type { TestCase } from './find-tests.js';
import { exactJsonBytes } from '../engine/exact-json.js';

/** Where a failing test stopped, and the values that made it stop. */
export interface FailureExplanation {
  /** `file:line` and source text of the first expression that did not hold. */
  where: string;
  expression: string;
  /** Each non-constant operand of that expression, with its value (`undefined` when it has none). */
  operands: Array<{ text: string; value: string }>;
  /** Variables bound before that expression, with their values. */
  bindings: Array<{ name: string; value: string }>;
}

const PROBE_FILE_SUFFIX = '__warden_explain.rego';

function findTestRule(modules: Module[], test: TestCase): { module: Module; rule: Rule } | undefined {
  for (const module of modules) {
    if (module.file !== test.file) continue;
    for (const rule of module.rules) if (rule.loc.line === test.line && rule.loc.col === test.col) return { module, rule };
  }
  return undefined;
}

function isConstant(t: Term): boolean {
  let constant = true;
  walkTerm(t, (x) => {
    if (x.type === 'var' || x.type === 'ref' || x.type === 'call' || x.type.endsWith('Comprehension') || x.type === 'templateString') constant = false;
  });
  return constant;
}

/** The operands worth showing: both sides of a comparison or call, or the term itself. */
function operandsOf(e: Expr): Term[] {
  switch (e.type) {
    case 'call':
      return e.args;
    case 'term':
      return e.term.type === 'call' ? e.term.args.concat([e.term]) : [e.term];
    case 'someIn':
      return [e.collection];
    case 'every':
      return [e.domain];
    default:
      return [];
  }
}

function render(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** The probe rules of one failing test: `__probe_T_K` (bindings after K expressions held) and `__operand_T_K_I`. */
interface TestProbes {
  test: TestCase;
  module: Module;
  body: Expr[];
  rules: string[];
  /** Operand texts per expression. */
  operandTexts: string[][];
  probe(k: number): string;
  operand(k: number, i: number): string;
}

function probesFor(ctx: ProbeContext, rule: Rule, test: TestCase, tag: number): TestProbes {
  const { text, assign, bodyOpen, isLocal } = ctx;
  const body = rule.body;
  const probe = (k: number) => `__probe_${tag}_${k}`;
  const operand = (k: number, i: number) => `__operand_${tag}_${k}_${i}`;
  const rules: string[] = [];
  const boundAfter: string[][] = [];
  const seen = new Set<string>();
  for (let k = 0; k <= body.length; k++) {
    const names = [...seen].filter(isLocal);
    boundAfter.push(names);
    const object = `{${names.map((n) => `${JSON.stringify(n)}: ${n}`).join(', ')}}`;
    const prefix = body.slice(0, k).map(text).join('\n  ');
    rules.push(`${probe(k)} ${assign} ${object} ${bodyOpen}\n  true\n  ${prefix}\n}`);
    if (k < body.length) topLevelVars(body[k]!, seen);
  }
  const operandTexts: string[][] = [];
  for (let k = 0; k < body.length; k++) {
    const e = body[k]!;
    const prefix = body.slice(0, k).map(text).join('\n  ');
    const withs = e.with.map((w) => ` ${text(w)}`).join('');
    const bound = new Set(boundAfter[k]);
    // Only operands whose variables are bound by then (not the target of `x := …`) have a value.
    const evaluable = (t: Term) => [...varsOf(t)].every((n) => !isLocal(n) || bound.has(n));
    const terms = operandsOf(e).filter((t) => !isConstant(t) && evaluable(t));
    operandTexts.push(terms.map(text));
    terms.forEach((t, i) => rules.push(`${operand(k, i)} ${assign} __v ${bodyOpen}\n  true\n  ${prefix}\n  __v := ${text(t)}${withs}\n}`));
  }
  return { test, module: ctx.module, body, rules, operandTexts, probe, operand };
}

function entrypointOf(module: Module, rule: string): string {
  return [...module.package.path.map((p) => p.value), rule].join('/');
}

function ruleNameOf(source: string): string {
  return source.slice(0, source.indexOf(' '));
}

/** One probe module per test module (a probe lives in its test's package, with its imports). */
function probeModules(all: TestProbes[], contexts: Map<string, ProbeContext>): SourceModule[] {
  const byFile = new Map<string, TestProbes[]>();
  for (const p of all) byFile.set(p.module.file, [...(byFile.get(p.module.file) ?? []), p]);
  return [...byFile].map(([file, probes]) => ({
    path: `${file}${PROBE_FILE_SUFFIX}`,
    source: `${contexts.get(file)!.preamble}${probes.flatMap((p) => p.rules).join('\n')}\n`,
    regoVersion: probes[0]!.module.regoVersion,
  }));
}

type Evaluate = (entrypoint: string) => unknown;

/**
 * Compiles the probes with the policies: an evaluator, or the test files whose probe modules had
 * compile errors (empty when the errors cannot be put on a probe module).
 */
async function loadProbes(files: PolicyFiles, probes: TestProbes[], contexts: Map<string, ProbeContext>, regoVersion: 0 | 1): Promise<Evaluate | Set<string>> {
  const modules = probeModules(probes, contexts);
  const entrypoints = probes.flatMap((p) => p.rules.map((r) => entrypointOf(p.module, ruleNameOf(r))));
  try {
    const wasm = await compile({ modules: [...files.modules, ...modules], entrypoints, regoVersion, strictBuiltinErrors: false });
    const policy = await loadPolicy(wasm, undefined, hostBuiltins);
    policy.setData(exactJsonBytes(files.data));
    return (entrypoint) => {
      try {
        const rows = policy.evaluate(undefined as unknown as object, entrypoint) as Array<{ result: unknown }>;
        return rows[0]?.result;
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
    };
  } catch (e) {
    if (process.env.WARDEN_DEBUG_EXPLAIN) console.error(modules.map((m) => m.source).join('\n'), e);
    const failed = new Set<string>();
    if (e instanceof CompileError) {
      for (const d of e.diagnostics) if (d.file.endsWith(PROBE_FILE_SUFFIX)) failed.add(d.file.slice(0, -PROBE_FILE_SUFFIX.length));
      if (e.diagnostics.some((d) => !d.file.endsWith(PROBE_FILE_SUFFIX))) failed.clear();
    }
    return failed;
  }
}

function explainOne(p: TestProbes, evaluate: Evaluate, text: (node: { loc: { offset: number; end: number } }) => string): FailureExplanation | undefined {
  const value = (rule: string) => evaluate(entrypointOf(p.module, rule));
  let stop = 0;
  while (stop < p.body.length && value(p.probe(stop + 1)) !== undefined) stop++;
  if (stop >= p.body.length) return undefined;
  const e = p.body[stop]!;
  const bound = (value(p.probe(stop)) ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  topLevelVars(e, used);
  return {
    where: `${p.module.file}:${e.loc.line}`,
    expression: text(e),
    operands: p.operandTexts[stop]!.map((t, i) => ({ text: t, value: render(value(p.operand(stop, i))) })),
    bindings: Object.entries(bound)
      .filter(([name]) => used.has(name))
      .map(([name, v]) => ({ name, value: render(v) })),
  };
}

/**
 * Explains failing tests by re-running each one's body step by step in probe rules (same package
 * and imports): the first expression that did not hold and the values of its operands. All the
 * failing tests share one compile (only `warden test -v` asks for it); if that compile fails, each
 * test is tried on its own so one unusual body does not cost the others their explanation. A test
 * that cannot be probed (generated source, a probe that does not compile) is left out of the map,
 * and the caller falls back to the plain reason.
 */
export async function explainFailures(files: PolicyFiles, tests: readonly TestCase[], regoVersion: 0 | 1 = 1): Promise<Map<string, FailureExplanation>> {
  const explained = new Map<string, FailureExplanation>();
  if (tests.length === 0) return explained;
  const { modules } = parseModules(files.modules, regoVersion);
  renameDuplicateTests(modules);
  const ruleNames = ruleNamesOf(modules);
  const sources = new Map(files.modules.map((m) => [m.path, m.source]));
  const contexts = new Map<string, ProbeContext>();
  const probes: TestProbes[] = [];
  tests.forEach((test, tag) => {
    const found = findTestRule(modules, test);
    const source = found && sources.get(found.module.file);
    if (!found || source === undefined) return;
    const ctx = contexts.get(found.module.file) ?? probeContext(found.module, source, ruleNames);
    contexts.set(found.module.file, ctx);
    probes.push(probesFor(ctx, found.rule, test, tag));
  });
  const explainAll = (list: TestProbes[], evaluate: Evaluate) => {
    for (const p of list) {
      const why = explainOne(p, evaluate, contexts.get(p.module.file)!.text);
      if (why) explained.set(p.test.name, why);
    }
  };
  const eachAlone = async (list: TestProbes[]) => {
    for (const p of list) {
      const alone = await loadProbes(files, [p], contexts, regoVersion);
      if (typeof alone === 'function') explainAll([p], alone);
    }
  };
  const together = await loadProbes(files, probes, contexts, regoVersion);
  if (typeof together === 'function') {
    explainAll(probes, together);
    return explained;
  }
  // The probe modules that failed are tried test by test; the others again in one compile.
  const suspect = (p: TestProbes) => together.size === 0 || together.has(p.module.file);
  const healthy = probes.filter((p) => !suspect(p));
  const rest = healthy.length > 0 ? await loadProbes(files, healthy, contexts, regoVersion) : undefined;
  if (typeof rest === 'function') explainAll(healthy, rest);
  else await eachAlone(healthy);
  await eachAlone(probes.filter(suspect));
  return explained;
}

/** {@link explainFailures} for one test. */
export async function explainFailure(files: PolicyFiles, test: TestCase, regoVersion: 0 | 1 = 1): Promise<FailureExplanation | undefined> {
  return (await explainFailures(files, [test], regoVersion)).get(test.name);
}

/** The explanation as indented lines for `warden test -v`. */
export function formatExplanation(x: FailureExplanation): string[] {
  const lines = [`  ${x.where}: ${x.expression.split('\n').join('\n    ')}`];
  for (const o of x.operands) lines.push(`    ${o.text} = ${o.value}`);
  for (const b of x.bindings) if (!x.operands.some((o) => o.text === b.name)) lines.push(`    ${b.name} = ${b.value}`);
  return lines;
}
