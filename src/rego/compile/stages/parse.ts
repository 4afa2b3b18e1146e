import type { Diagnostic } from '../../diagnostics.js';
import type { Module } from '../../ast.js';
import { parseModule, parseQuery } from '../../syntax/index.js';
import type { SourceModule } from '../../compile.js';
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

/** Stage `parse`: the modules and the ad-hoc query, as ASTs (`rego_parse_error`). */
export function parseStage(state: CompileState): void {
  const { options } = state;
  const regoVersion = options.regoVersion ?? 1;
  const parsed = parseModules(options.modules, regoVersion);
  state.modules = parsed.modules;
  state.diagnostics.push(...parsed.diagnostics);
  if (options.queryBody !== undefined) state.query = options.queryBody;
  else if (options.query !== undefined) {
    const q = parseQuery(options.query, { file: '<query>', regoVersion });
    state.diagnostics.push(...q.diagnostics);
    state.query = q.body;
  }
}
