import { performance } from 'node:perf_hooks';
import { type Diagnostic } from '../../diagnostics.js';
import { CompileError } from '../../errors.js';
import type { Policy } from '../../../ir/types.js';
import type { CompileOptions } from '../../compile.js';
import { codegenStage } from './codegen.js';
import { linkStage } from './link.js';
import { parseStage } from './parse.js';
import { planStage } from './plan.js';
import { resolveStage } from './resolve.js';
import { ruleIndexStage } from './rule-index.js';
import { safetyStage } from './safety.js';
import { initialState, type CompileHooks, type CompileStage, type CompileState, type StageName } from './stage.js';
import { typeCheckStage } from './type-check.js';

/**
 * The compiler, in order: Rego source → AST → resolved rules → checked → ordered for safety → rule indexes →
 * plan IR → WebAssembly code → linked module. `compileToPlan` stops after `plan`.
 */
export const COMPILE_STAGES: readonly CompileStage[] = [
  { name: 'parse', metric: 'compile_stage_parse', codes: ['rego_parse_error', 'rego_compile_error', 'rego_type_error'], stopOnError: true, run: parseStage },
  { name: 'resolve', metric: 'compile_stage_resolve', codes: ['rego_compile_error'], stopOnError: false, run: resolveStage },
  { name: 'typeCheck', metric: 'compile_stage_type_check', codes: ['rego_type_error'], stopOnError: false, run: typeCheckStage },
  { name: 'safety', metric: 'compile_stage_safety', codes: ['rego_unsafe_var_error'], stopOnError: false, run: safetyStage },
  { name: 'ruleIndex', metric: 'compile_stage_rule_index', codes: [], stopOnError: false, run: ruleIndexStage },
  {
    name: 'plan',
    metric: 'compile_stage_plan',
    codes: ['rego_recursion_error', 'rego_type_error', 'rego_compile_error'],
    stopOnError: true,
    run: planStage,
  },
  { name: 'codegen', metric: 'compile_stage_codegen', codes: [], stopOnError: true, run: codegenStage },
  { name: 'link', metric: 'compile_stage_link', codes: [], stopOnError: true, run: linkStage },
];

/** Diagnostics with the source line each points at, for showing with a caret. */
export function withSourceLines(diagnostics: Diagnostic[], sources: Map<string, string>): Diagnostic[] {
  return diagnostics.map((d) => {
    const text = sources.get(d.file);
    const line = text?.split('\n')[d.line - 1];
    return line === undefined ? d : { ...d, sourceLine: line.replace(/\r$/, '') };
  });
}

/**
 * Runs `stages` (the compiler's own unless a test swaps one) up to and including `last` on this
 * thread's stack. Throws one `CompileError` holding every diagnostic when a stage that stops on
 * errors finds any reported.
 */
export function runStages(options: CompileOptions, last: StageName, hooks: CompileHooks = {}, stages: readonly CompileStage[] = COMPILE_STAGES): CompileState {
  const state = initialState(options);
  for (const stage of stages) {
    const start = performance.now();
    const before = state.diagnostics.length;
    stage.run(state);
    hooks.onStage?.(stage.name, performance.now() - start, state.diagnostics.slice(before));
    if (stage.stopOnError && state.diagnostics.length > 0) {
      throw new CompileError(withSourceLines(state.diagnostics, new Map(options.modules.map((m) => [m.path, m.source]))));
    }
    if (stage.name === last) return state;
  }
  return state;
}

/** The plan IR: the stages up to `plan`. */
export function planInProcess(options: CompileOptions, hooks?: CompileHooks): Policy {
  return runStages(options, 'plan', hooks).policy!;
}

/** The Wasm module: every stage. */
export function wasmInProcess(options: CompileOptions, hooks?: CompileHooks): Uint8Array {
  return runStages(options, 'link', hooks).wasm!;
}
