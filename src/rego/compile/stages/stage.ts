import type { Body, Module } from '../../ast.js';
import type { Diagnostic, DiagnosticCode } from '../../diagnostics.js';
import type { Policy } from '../../../ir/types.js';
import type { LinkInput } from '../../../wasm/link-module.js';
import type { CompileOptions } from '../../compile.js';
import type { RuleDef } from '../rule-defs.js';
import type { SafetyChecker } from '../safety.js';
import type { OrderedBodies } from '../order-bodies.js';
import type { RuleTree } from '../../plan/rule-tree.js';
import type { RuleGroup } from '../rule-defs.js';
import type { GroupIndex } from '../../plan/rule-index.js';

/** The stages of a compile, in order (see `COMPILE_STAGES`). */
export type StageName = 'parse' | 'resolve' | 'typeCheck' | 'safety' | 'ruleIndex' | 'plan' | 'codegen' | 'link';

/**
 * What the stages pass along: each stage reads what the ones before it filled in and adds its
 * own part. Diagnostics accumulate across stages, so one failed compile reports every problem the
 * stages that ran could find.
 */
export interface CompileState {
  readonly options: CompileOptions;
  readonly diagnostics: Diagnostic[];
  /** parse: the modules that parsed. */
  modules: Module[];
  /** parse: the ad-hoc query; resolve: the same with names resolved. */
  query?: Body;
  /** resolve: every rule definition. */
  defs: RuleDef[];
  /** resolve: entrypoint paths that refer to rules. */
  entrypoints: string[][];
  /** typeCheck: rules grouped by path (conflicting definitions are type errors). */
  tree?: RuleTree;
  /** safety: bodies in the order they run, and the checker the planner asks what is evaluable. */
  ordered?: OrderedBodies;
  safety?: SafetyChecker;
  /** ruleIndex: the rule sets planned with an index, and their keys. */
  ruleIndexes?: ReadonlyMap<RuleGroup, GroupIndex>;
  /** plan: the IR. */
  policy?: Policy;
  /** codegen: the generated functions, ready to link with the runtime. */
  generated?: LinkInput;
  /** link: the module's bytes. */
  wasm?: Uint8Array;
}

/** One stage, as data (OPA's compiler lists its stages as `{name, metric, func}` the same way). */
export interface CompileStage {
  readonly name: StageName;
  /** The name its time is reported under. */
  readonly metric: string;
  /** The codes its diagnostics carry; the first is the stage's own. */
  readonly codes: readonly DiagnosticCode[];
  /** Whether compiling stops after this stage when anything has been reported so far. */
  readonly stopOnError: boolean;
  readonly run: (state: CompileState) => void;
}

/** Time spent in a stage and what it reported, for `CompileHooks.onStage`. */
export type StageTiming = { name: StageName; ms: number; diagnostics: Diagnostic[] };

/** Observers of a compile. */
export interface CompileHooks {
  /** Called after each stage that ran, with its time in milliseconds and the diagnostics it added. */
  onStage?: (name: StageName, ms: number, diagnostics: readonly Diagnostic[]) => void;
}

/** A fresh state for `options`. */
export function initialState(options: CompileOptions): CompileState {
  return { options, diagnostics: [], modules: [], defs: [], entrypoints: [] };
}
