import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Policy } from '../../ir/types.js';
import type { CompileOptions } from '../compile.js';
import type { Diagnostic } from '../diagnostics.js';

export interface CompileJob {
  id: number;
  output: 'wasm' | 'plan';
  options: CompileOptions;
}

export type CompileReply =
  | { id: number; wasm: Uint8Array }
  | { id: number; plan: Policy }
  | { id: number; error: { message: string; diagnostics?: Diagnostic[] } };

/**
 * A worker thread that compiles (see compile-worker.ts). Under tsx (tests, `npm start`) the worker
 * registers tsx itself before loading TypeScript; from dist/ it loads the compiled file.
 */
export function startCompileWorker(resourceLimits?: ResourceLimits): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './compile-worker.ts' : './compile-worker.js', import.meta.url);
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, resourceLimits })
    : new Worker(url, { resourceLimits });
}
