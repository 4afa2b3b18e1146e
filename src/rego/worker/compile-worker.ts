import { parentPort } from 'node:worker_threads';
import { compileInProcess, compileToPlanInProcess } from '../compile.js';
import { CompileError } from '../errors.js';
import { CodegenError } from '../../wasm/errors.js';
import type { CompileHooks, StageTiming } from '../compile/stages/stage.js';
import type { CompileJob, CompileReply } from './compile-job.js';

// The worker side of `startCompileWorker`: one job at a time; the Wasm bytes are transferred, not
// copied; a failure carries the compiler's diagnostics; every reply carries the stages' times.
parentPort!.on('message', async (job: CompileJob) => {
  const stages: StageTiming[] = [];
  const hooks: CompileHooks = { onStage: (name, ms, diagnostics) => stages.push({ name, ms, diagnostics: [...diagnostics] }) };
  let reply: CompileReply;
  try {
    if (job.output === 'plan') {
      reply = { id: job.id, plan: compileToPlanInProcess(job.options, hooks), stages };
    } else {
      const wasm = await compileInProcess(job.options, hooks);
      parentPort!.postMessage({ id: job.id, wasm, stages } satisfies CompileReply, [wasm.buffer as ArrayBuffer]);
      return;
    }
  } catch (e) {
    const diagnostics = e instanceof CompileError ? e.diagnostics : undefined;
    const codegen = e instanceof CodegenError ? { where: e.where, problem: e.problem } : undefined;
    reply = { id: job.id, error: { message: e instanceof Error ? e.message : String(e), diagnostics, codegen }, stages };
  }
  parentPort!.postMessage(reply);
});
