import type { Body, Module } from './ast.js';
import { CompileError } from './errors.js';
import { parseModule } from './syntax/index.js';
import type { Policy } from '../ir/types.js';
import { compileWithLargeStack, isStackOverflow } from './worker/large-stack.js';
import { planInProcess, wasmInProcess, withSourceLines } from './compile/stages/pipeline.js';
import type { CompileHooks, StageTiming } from './compile/stages/stage.js';

export { parseModules, renameDuplicateTests } from './compile/stages/parse.js';
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
  /** The package a query's rule names resolve in (`opa eval --package`), as path segments. */
  queryPackage?: string[];
  /** Rule paths (`authz/allow`): one entrypoint each, returning `[{"result": …}]`. */
  entrypoints?: string[];
  regoVersion?: 0 | 1;
  strictBuiltinErrors?: boolean;
  /** Plan calls to `COVERAGE_BUILTIN` wherever execution reaches a rule head or an expression. */
  coverage?: boolean;
  /**
   * OPA's strict mode (`opa check --strict`): also reject unused imports, local assignments and
   * function arguments, duplicate imports, `input`/`data` shadowed and deprecated builtins.
   */
  strict?: boolean;
  /**
   * A rule or function whose definitions all give one constant stops at the first that holds, as
   * OPA's evaluator does (default). `false`: every definition runs, as in OPA's Wasm target.
   */
  earlyExit?: boolean;
  /**
   * Rule sets whose definitions compare a ref into `input` or base `data` (or an argument) to
   * constants run only the definitions whose constant equals its value, as OPA's evaluator
   * indexes rules (default). `false`: every definition runs, as in OPA's Wasm target.
   */
  ruleIndex?: boolean;
  /**
   * Rules whose value is the same in every evaluation (a table written in the policy) are built
   * once, when the module is instantiated (default). `false`: built in every evaluation, as in
   * OPA's Wasm target.
   */
  constantsOnce?: boolean;
  /** Run each definition of a test rule as its own test, as `opa test` (see renameDuplicateTests). */
  separateDuplicateTests?: boolean;
}

/**
 * Runs `inProcess` on this thread's stack; a policy too deep for it is compiled again in a worker
 * with a large one. `hooks` hear each stage once: from this thread, or from the worker on a retry.
 */
async function withLargeStackFallback<T>(inProcess: (hooks: CompileHooks) => Promise<T> | T, retry: () => Promise<T>, hooks: CompileHooks): Promise<T> {
  const timings: StageTiming[] = [];
  const heard: CompileHooks = hooks.onStage ? { onStage: (name, ms, diagnostics) => timings.push({ name, ms, diagnostics: [...diagnostics] }) } : {};
  let overflowed = false;
  try {
    return await inProcess(heard);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    overflowed = true;
    return await retry();
  } finally {
    if (!overflowed) for (const s of timings) hooks.onStage?.(s.name, s.ms, s.diagnostics);
  }
}

/**
 * Rego source → OPA plan IR: the compile stages up to `plan` (see `COMPILE_STAGES`). Rejects with
 * one `CompileError` holding every diagnostic (parse errors, unsafe variables, recursion, unknown
 * functions, conflicting rules), sorted by file:line:col.
 */
export async function compileToPlan(options: CompileOptions, hooks: CompileHooks = {}): Promise<Policy> {
  return withLargeStackFallback((h) => compileToPlanInProcess(options, h), () => compileWithLargeStack('plan', options, hooks), hooks);
}

/** `compileToPlan` on this thread's stack (also what the compile worker runs). */
export function compileToPlanInProcess(options: CompileOptions, hooks?: CompileHooks): Policy {
  return planInProcess(options, hooks);
}

/**
 * Rego source → WebAssembly module with OPA's ABI, loadable by `@open-policy-agent/opa-wasm`: every
 * compile stage. With `query`: one entrypoint (id 0) returning binding rows; with `entrypoints`: one
 * per rule path.
 */
export async function compile(options: CompileOptions, hooks: CompileHooks = {}): Promise<Uint8Array> {
  return withLargeStackFallback((h) => compileInProcess(options, h), () => compileWithLargeStack('wasm', options, hooks), hooks);
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
