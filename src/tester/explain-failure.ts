import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import type { PolicyFiles } from '../bundle/policy-files.js';
import type { Expr, Module, Rule, Term } from '../rego/ast.js';
import { compile, parseModules, renameDuplicateTests } from '../rego/compile.js';
import { exprTerms, varsOf, walkTerm } from '../rego/compile/terms.js';
import type { TestCase } from './run-tests.js';

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

const PROBE_PACKAGE_SUFFIX = '__warden_explain';

function findTestRule(modules: Module[], test: TestCase): { module: Module; rule: Rule } | undefined {
  for (const module of modules) {
    if (module.file !== test.file) continue;
    for (const rule of module.rules) if (rule.loc.line === test.line) return { module, rule };
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

/** Names an expression binds or reads at its own level (not inside comprehensions or `every`). */
function topLevelVars(e: Expr, out: Set<string>): void {
  if (e.type === 'every') return;
  for (const t of exprTerms(e, true)) varsOf(t, out);
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

/**
 * Re-runs a failing test's body step by step in a probe module (same package and imports), to find
 * the first expression that did not hold and the values of its operands. Costs one compile; only
 * `warden test -v` asks for it. Returns undefined when the test cannot be probed (its source is
 * generated, or probing itself does not compile), so the caller falls back to the plain reason.
 */
export async function explainFailure(files: PolicyFiles, test: TestCase, regoVersion: 0 | 1 = 1): Promise<FailureExplanation | undefined> {
  const { modules } = parseModules(files.modules, regoVersion);
  renameDuplicateTests(modules);
  const found = findTestRule(modules, test);
  if (!found) return undefined;
  const { module, rule } = found;
  const source = files.modules.find((m) => m.path === module.file)?.source;
  if (source === undefined) return undefined;
  const text = (node: { loc: { offset: number; end: number } }) => source.slice(node.loc.offset, node.loc.end);

  const rules = new Set<string>();
  for (const m of modules) for (const r of m.rules) if (r.head.ref[0]?.type === 'var') rules.add(r.head.ref[0].name);
  const globals = new Set(['input', 'data', ...module.imports.map((i) => i.alias ?? (i.path.path.at(-1) as { value?: string } | undefined)?.value ?? '')]);
  const isLocal = (name: string) => !name.startsWith('$') && !globals.has(name) && !rules.has(name);

  const body = rule.body;
  // Probe rules in the module's own syntax (v0 modules without the v1 keywords have no `if`).
  const v1Syntax = module.regoVersion === 1 || /\bimport\s+(rego\.v1|future\.keywords)/.test(source);
  const head = v1Syntax ? ':=' : '=';
  const bodyOpen = v1Syntax ? 'if {' : '{';
  const probes: string[] = [];
  const boundAfter: string[][] = [];
  const seen = new Set<string>();
  for (let k = 0; k <= body.length; k++) {
    const names = [...seen].filter(isLocal);
    boundAfter.push(names);
    const object = `{${names.map((n) => `${JSON.stringify(n)}: ${n}`).join(', ')}}`;
    const prefix = body.slice(0, k).map(text).join('\n  ');
    probes.push(`__probe_${k} ${head} ${object} ${bodyOpen}\n  true\n  ${prefix}\n}`);
    if (k < body.length) topLevelVars(body[k]!, seen);
  }
  const operandRules: string[] = [];
  const operandTexts: string[][] = [];
  for (let k = 0; k < body.length; k++) {
    const e = body[k]!;
    const prefix = body.slice(0, k).map(text).join('\n  ');
    const withs = e.with.map((w) => ` ${text(w)}`).join('');
    const bound = new Set(boundAfter[k]);
    // Only operands whose variables are bound by then (not the target of `x := …`) have a value.
    const evaluable = (t: Term) => {
      const names = new Set<string>();
      varsOf(t, names);
      return [...names].every((n) => !isLocal(n) || bound.has(n));
    };
    const terms = operandsOf(e).filter((t) => !isConstant(t) && evaluable(t));
    operandTexts.push(terms.map(text));
    terms.forEach((t, i) => operandRules.push(`__operand_${k}_${i} ${head} __v ${bodyOpen}\n  true\n  ${prefix}\n  __v := ${text(t)}${withs}\n}`));
  }

  const pkg = module.package.path.map((p) => p.value).join('.');
  const imports = module.imports.map(text).join('\n');
  const probeModule = {
    path: `${module.file}${PROBE_PACKAGE_SUFFIX}.rego`,
    source: `package ${pkg}\n${imports}\n${probes.join('\n')}\n${operandRules.join('\n')}\n`,
    regoVersion: module.regoVersion,
  };
  const entry = (name: string) => [...pkg.split('.'), name].join('/');
  const entrypoints = [...probes.map((_, k) => entry(`__probe_${k}`)), ...operandRules.map((r) => entry(r.slice(0, r.indexOf(' '))))];
  let policy;
  try {
    const wasm = await compile({ modules: [...files.modules, probeModule], entrypoints, regoVersion, strictBuiltinErrors: false });
    policy = await loadPolicy(wasm, undefined, hostBuiltins);
    policy.setData(files.data);
  } catch (e) {
    if (process.env.WARDEN_DEBUG_EXPLAIN) console.error(probeModule.source, e);
    return undefined;
  }
  const value = (name: string): unknown => {
    try {
      const rows = policy.evaluate(undefined as unknown as object, entry(name)) as Array<{ result: unknown }>;
      return rows[0]?.result;
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  };
  let stop = 0;
  while (stop < body.length && value(`__probe_${stop + 1}`) !== undefined) stop++;
  if (stop >= body.length) return undefined;
  const e = body[stop]!;
  const bound = (value(`__probe_${stop}`) ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  topLevelVars(e, used);
  return {
    where: `${module.file}:${e.loc.line}`,
    expression: text(e),
    operands: operandTexts[stop]!.map((t, i) => ({ text: t, value: render(value(`__operand_${stop}_${i}`)) })),
    bindings: Object.entries(bound)
      .filter(([name]) => used.has(name))
      .map(([name, v]) => ({ name, value: render(v) })),
  };
}

/** The explanation as indented lines for `warden test -v`. */
export function formatExplanation(x: FailureExplanation): string[] {
  const lines = [`  ${x.where}: ${x.expression.split('\n').join('\n    ')}`];
  for (const o of x.operands) lines.push(`    ${o.text} = ${o.value}`);
  for (const b of x.bindings) if (!x.operands.some((o) => o.text === b.name)) lines.push(`    ${b.name} = ${b.value}`);
  return lines;
}
