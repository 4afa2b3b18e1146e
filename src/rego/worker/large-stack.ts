import type { Policy } from '../../ir/types.js';
import type { CompileOptions } from '../compile.js';
import { CompileError } from '../errors.js';
import { CodegenError } from '../../wasm/errors.js';
import type { CompileHooks } from '../compile/stages/stage.js';
import { startCompileWorker, type CompileReply } from './compile-job.js';

/** Planning recurses once per expression of a body; a generated policy can outgrow the stack. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

const LARGE_STACK_MB = 512;

/**
 * Compiles in a one-off worker thread whose stack is large enough for bodies of many thousand
 * expressions; what a policy needs beyond that is a compile error, not a crash.
 */
export async function compileWithLargeStack(output: 'wasm', options: CompileOptions, hooks?: CompileHooks): Promise<Uint8Array>;
export async function compileWithLargeStack(output: 'plan', options: CompileOptions, hooks?: CompileHooks): Promise<Policy>;
export async function compileWithLargeStack(output: 'wasm' | 'plan', options: CompileOptions, hooks: CompileHooks = {}): Promise<Uint8Array | Policy> {
  const worker = startCompileWorker({ stackSizeMb: LARGE_STACK_MB });
  try {
    const reply = await new Promise<CompileReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`compiler worker exited (code ${code})`)));
      worker.postMessage({ id: 0, output, options });
    });
    for (const s of reply.stages ?? []) hooks.onStage?.(s.name, s.ms, s.diagnostics);
    if ('error' in reply) {
      if (reply.error.diagnostics) throw new CompileError(reply.error.diagnostics);
      if (reply.error.codegen) throw new CodegenError(reply.error.codegen.where, reply.error.codegen.problem);
      throw new Error(`policy too large to compile: ${reply.error.message}`);
    }
    return 'wasm' in reply ? reply.wasm : reply.plan;
  } finally {
    await worker.terminate();
  }
}
