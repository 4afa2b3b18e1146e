import type { Body, Module } from '../../ast.js';
import { Resolver } from '../resolve.js';
import { entrypointPath, refersToRule, unknownEntrypoint } from '../entrypoints.js';
import type { CompileState } from './stage.js';

const packageKey = (m: Module): string => m.package.path.map((p) => p.value).join('.');

/**
 * Where a query's names resolve: the first module's scope without its imports, in the package
 * `--package` names (`warden eval -p app allow` is `data.app.allow`) or in none.
 */
function queryModule(modules: Module[], queryPackage: string[] = []): Module {
  const first: Module = modules[0] ?? {
    file: '<query>',
    regoVersion: 1,
    package: { path: [], loc: { file: '<query>', line: 1, col: 1, offset: 0, end: 0 } },
    imports: [],
    rules: [],
    annotations: [],
    comments: [],
  };
  const path = queryPackage.map((value) => ({ type: 'string' as const, value, loc: first.package.loc }));
  return { ...first, imports: [], package: { ...first.package, path } };
}

/**
 * Stage `resolve`: rule definitions with references resolved to `data` paths and local variables
 * renamed, the query likewise, and the entrypoints checked against the rules (`rego_compile_error`).
 */
export function resolveStage(state: CompileState): void {
  const rulesByPackage = new Map<string, Set<string>>();
  for (const m of state.modules) {
    const names = rulesByPackage.get(packageKey(m)) ?? new Set<string>();
    for (const r of m.rules) {
      const first = r.head.ref[0];
      if (first?.type === 'var') names.add(first.name);
    }
    rulesByPackage.set(packageKey(m), names);
  }
  for (const m of state.modules) {
    const resolver = new Resolver(m, rulesByPackage.get(packageKey(m))!);
    for (const r of m.rules) {
      const def = resolver.rule(r);
      if (def) state.defs.push(def);
    }
    state.diagnostics.push(...resolver.diagnostics);
  }
  if (state.query) {
    const queryPackage = state.options.queryPackage ?? [];
    const resolver = new Resolver(queryModule(state.modules, queryPackage), rulesByPackage.get(queryPackage.join('.')) ?? new Set());
    const body: Body = resolver.query(state.query);
    state.diagnostics.push(...resolver.diagnostics);
    state.query = body;
  }
  for (const ep of state.options.entrypoints ?? []) {
    const path = entrypointPath(ep);
    if (refersToRule(state.defs, path)) state.entrypoints.push(path);
    else state.diagnostics.push(unknownEntrypoint(ep));
  }
}
