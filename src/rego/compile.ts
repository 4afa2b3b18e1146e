import type { Body, Module } from './ast.js';
import { CompileError } from './diagnostics.js';
import { parseModule } from './syntax/index.js';
import type { Policy } from '../ir/types.js';
import { compileWithLargeStack, isStackOverflow } from './worker/large-stack.js';
import { planInProcess, wasmInProcess, withSourceLines } from './compile/stages/pipeline.js';
import type { CompileHooks } from './compile/stages/stage.js';

export { parseModules } from './compile/stages/parse.js';
export { COMPILE_STAGES } from './compile/stages/pipeline.js';
export type { CompileHooks, CompileStage, StageName } from './compile/stages/stage.js';

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

/**
 * Rego source → OPA plan IR: the compile stages up to `plan` (see `COMPILE_STAGES`). Rejects with
 * one `CompileError` holding every diagnostic (parse errors, unsafe variables, recursion, unknown
 * functions, conflicting rules), sorted by file:line:col. A policy too deep for this thread's stack
 * is compiled again in a worker with a large one.
 */
export async function compileToPlan(options: CompileOptions, hooks: CompileHooks = {}): Promise<Policy> {
  try {
    return compileToPlanInProcess(options, hooks);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    return compileWithLargeStack('plan', options, hooks);
  }
}

/** `compileToPlan` on this thread's stack (also what the compile worker runs). */
export function compileToPlanInProcess(options: CompileOptions, hooks?: CompileHooks): Policy {
  return planInProcess(options, hooks);
}

/**
 * Rego source → WebAssembly module with OPA's ABI, loadable by `@open-policy-agent/opa-wasm`: every
 * compile stage. With `query`: one entrypoint (id 0) returning binding rows; with `entrypoints`: one
 * per rule path. A policy too deep for this thread's stack is compiled in a worker with a large one.
 */
export async function compile(options: CompileOptions, hooks: CompileHooks = {}): Promise<Uint8Array> {
  try {
    return await compileInProcess(options, hooks);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    return compileWithLargeStack('wasm', options, hooks);
  }
}

/** `compile` on this thread's stack (also what the compile worker runs). */
export async function compileInProcess(options: CompileOptions, hooks?: CompileHooks): Promise<Uint8Array> {
  return wasmInProcess(options, hooks);
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
