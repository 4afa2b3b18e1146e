import type { Body, Module } from './ast.js';
import { CompileError, type Diagnostic } from './diagnostics.js';
import { parseModule, parseQuery } from './syntax/index.js';
import { Resolver } from './compile/resolve.js';
import type { RuleDef } from './compile/rule-defs.js';
import { entrypointPath, refersToRule, unknownEntrypoint } from './compile/entrypoints.js';
import { Planner } from './plan/planner.js';
import { checkTypes } from './types/check-types.js';
import type { Policy } from '../ir/types.js';
import { compilePlan } from '../wasm/compile-plan.js';
import { compileWithLargeStack, isStackOverflow } from './worker/large-stack.js';

export interface SourceModule {
  path: string;
  source: string;
  /** This module's Rego version, over `CompileOptions.regoVersion` (a bundle's `file_rego_versions`). */
  regoVersion?: 0 | 1;
}

export interface CompileOptions {
  modules: SourceModule[];
  /** An ad-hoc query (`data.authz.allow = x`): one entrypoint, id 0, returning binding rows. */
  query?: string;
  /** The same, already parsed (tools that rewrite queries, such as `warden eval`). */
  queryBody?: Body;
  /** Rule paths (`authz/allow`): one entrypoint each, returning `[{"result": …}]`. */
  entrypoints?: string[];
  regoVersion?: 0 | 1;
  strictBuiltinErrors?: boolean;
  /** Plan calls to `COVERAGE_BUILTIN` wherever execution reaches a rule head or an expression. */
  coverage?: boolean;
}

function withSourceLines(diagnostics: Diagnostic[], sources: Map<string, string>): Diagnostic[] {
  return diagnostics.map((d) => {
    const text = sources.get(d.file);
    const line = text?.split('\n')[d.line - 1];
    return line === undefined ? d : { ...d, sourceLine: line.replace(/\r$/, '') };
  });
}

/** Parses every module; diagnostics of all modules are collected. */
export function parseModules(modules: SourceModule[], regoVersion: 0 | 1 = 1): { modules: Module[]; diagnostics: Diagnostic[] } {
  const out: Module[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const m of modules) {
    const r = parseModule(m.source, { file: m.path, regoVersion: m.regoVersion ?? regoVersion });
    diagnostics.push(...r.diagnostics);
    if (r.module) out.push(r.module);
  }
  return { modules: out, diagnostics };
}

/**
 * Rego source → OPA plan IR. Throws one `CompileError` holding every diagnostic (parse errors,
 * unsafe variables, recursion, unknown functions, conflicting rules), sorted by file:line:col.
 */
export function compileToPlan(options: CompileOptions): Policy {
  return compileToPlanInProcess(options);
}

/** `compileToPlan` on this thread's stack (also what the compile worker runs). */
export function compileToPlanInProcess(options: CompileOptions): Policy {
  const sources = new Map(options.modules.map((m) => [m.path, m.source]));
  const { modules, diagnostics } = parseModules(options.modules, options.regoVersion ?? 1);
  const fail = () => new CompileError(withSourceLines(diagnostics, sources));
  if (diagnostics.length > 0) throw fail();

  const rulesByPackage = new Map<string, Set<string>>();
  for (const m of modules) {
    const key = m.package.path.map((p) => p.value).join('.');
    const names = rulesByPackage.get(key) ?? new Set<string>();
    for (const r of m.rules) {
      const first = r.head.ref[0];
      if (first?.type === 'var') names.add(first.name);
    }
    rulesByPackage.set(key, names);
  }
  const defs: RuleDef[] = [];
  for (const m of modules) {
    const resolver = new Resolver(m, rulesByPackage.get(m.package.path.map((p) => p.value).join('.'))!);
    for (const r of m.rules) {
      const def = resolver.rule(r);
      if (def) defs.push(def);
    }
    diagnostics.push(...resolver.diagnostics);
  }
  diagnostics.push(...checkTypes(defs));
  const planner = new Planner(defs, (d) => diagnostics.push(d), modules.map((m) => m.package.path.map((p) => p.value)), modules);
  planner.coverage = options.coverage ?? false;

  if (options.query !== undefined || options.queryBody !== undefined) {
    const q = options.queryBody ? { body: options.queryBody, diagnostics: [] } : parseQuery(options.query!, { file: '<query>', regoVersion: options.regoVersion ?? 1 });
    diagnostics.push(...q.diagnostics);
    if (q.body) {
      const queryModule: Module = modules[0] ?? {
        file: '<query>',
        regoVersion: 1,
        package: { path: [], loc: { file: '<query>', line: 1, col: 1, offset: 0, end: 0 } },
        imports: [],
        rules: [],
        annotations: [],
        comments: [],
      };
      const resolver = new Resolver({ ...queryModule, imports: [], package: { ...queryModule.package, path: [] } }, new Set());
      const body: Body = resolver.query(q.body);
      diagnostics.push(...resolver.diagnostics);
      planner.planQuery('eval', body);
    }
  }
  for (const ep of options.entrypoints ?? []) {
    const path = entrypointPath(ep);
    if (refersToRule(defs, path)) planner.planEntrypoint(path, { file: '<entrypoint>', line: 1, col: 1, offset: 0, end: 0 });
    else diagnostics.push(unknownEntrypoint(ep));
  }
  // Every rule is planned, reachable from an entrypoint or not, so that its compile errors
  // surface as OPA reports them: a policy with an unsafe variable anywhere does not compile.
  for (const g of planner.tree.groups) planner.funcName(g, { id: 0, mocks: new Map() });
  if (diagnostics.length > 0) throw fail();
  return planner.policy();
}

/**
 * Rego source → WebAssembly module with OPA's ABI, loadable by `@open-policy-agent/opa-wasm`.
 * With `query`: one entrypoint (id 0) returning binding rows; with `entrypoints`: one per rule path.
 */
export async function compile(options: CompileOptions): Promise<Uint8Array> {
  try {
    return await compileInProcess(options);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    return compileWithLargeStack('wasm', options);
  }
}

/** `compile` on this thread's stack (also what the compile worker runs). */
export async function compileInProcess(options: CompileOptions): Promise<Uint8Array> {
  const plan = compileToPlanInProcess(options);
  return compilePlan(plan, { strictBuiltinErrors: options.strictBuiltinErrors });
}

/**
 * Parses one module for tools (formatters, linters, coverage): the AST, or a `CompileError` holding
 * the parse diagnostics with file:line:col.
 */
export function parse(module: SourceModule, options: { regoVersion?: 0 | 1 } = {}): Module {
  const r = parseModule(module.source, { file: module.path, regoVersion: options.regoVersion ?? 1 });
  if (!r.module) throw new CompileError(withSourceLines(r.diagnostics, new Map([[module.path, module.source]])));
  return r.module;
}
