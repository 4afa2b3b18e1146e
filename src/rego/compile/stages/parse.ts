import type { Diagnostic } from '../../diagnostics.js';
import type { Module } from '../../ast.js';
import { parseModule, parseQuery } from '../../syntax/index.js';
import type { SourceModule } from '../../compile.js';
import { checkDefaultRules } from '../default-rules.js';
import { strictDiagnostics } from '../strict-checks.js';
import type { CompileState } from './stage.js';

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
 * As `opa test` does: a test rule (`test_*`, no arguments) defined more than once in a package is
 * several tests, the second and later renamed `test_x#01`, `test_x#02`, … in module order.
 */
export function renameDuplicateTests(modules: readonly Module[]): void {
  const seen = new Map<string, number>();
  for (const m of modules) {
    const pkg = m.package.path.map((p) => p.value).join('.');
    for (const r of m.rules) {
      const first = r.head.ref[0];
      if (r.head.ref.length !== 1 || first?.type !== 'var' || !first.name.startsWith('test_') || r.head.args) continue;
      const key = `${pkg}\0${first.name}`;
      const count = seen.get(key) ?? 0;
      seen.set(key, count + 1);
      if (count > 0) r.head.ref[0] = { ...first, name: `${first.name}#${String(count).padStart(2, '0')}` };
    }
  }
}

/** Stage `parse`: the modules and the ad-hoc query, as ASTs (`rego_parse_error`); with `strict`, OPA's strict-mode checks on them. */
export function parseStage(state: CompileState): void {
  const { options } = state;
  const regoVersion = options.regoVersion ?? 1;
  const parsed = parseModules(options.modules, regoVersion);
  if (options.separateDuplicateTests) renameDuplicateTests(parsed.modules);
  state.modules = parsed.modules;
  state.diagnostics.push(...parsed.diagnostics, ...checkDefaultRules(parsed.modules));
  if (options.strict) state.diagnostics.push(...strictDiagnostics(parsed.modules));
  if (options.queryBody !== undefined) state.query = options.queryBody;
  else if (options.query !== undefined) {
    const q = parseQuery(options.query, { file: '<query>', regoVersion });
    state.diagnostics.push(...q.diagnostics);
    state.query = q.body;
  }
}
