import type { ResourceLimits, Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../threads/start-module-worker.js';
import type { Policy } from '../../ir/types.js';
import type { CompileOptions } from '../compile.js';
import type { Diagnostic } from '../diagnostics.js';
import type { StageTiming } from '../compile/stages/stage.js';

export interface CompileJob {
  id: number;
  output: 'wasm' | 'plan';
  options: CompileOptions;
}

/** A worker's answer; `stages` holds the time of each stage that ran (for `CompileHooks.onStage`). */
export type CompileReply = { stages?: StageTiming[] } & (
  | { id: number; wasm: Uint8Array }
  | { id: number; plan: Policy }
  | { id: number; error: { message: string; diagnostics?: Diagnostic[]; codegen?: { where: string; problem: string } } }
);

/** A worker thread that compiles (see compile-worker.ts). */
export function startCompileWorker(resourceLimits?: ResourceLimits): Worker {
  return startModuleWorker(import.meta.url, 'compile-worker', { resourceLimits });
}
