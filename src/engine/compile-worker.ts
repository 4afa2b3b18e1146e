import { parentPort } from 'node:worker_threads';
import { compile, CompileError } from '../rego/index.js';
import type { CompileJob, CompileReply } from './worker-compiler.js';

// The worker side of `workerCompiler`: compiles one job at a time and sends back the Wasm bytes
// (transferred, not copied) or the error with its diagnostics.
parentPort!.on('message', async (job: CompileJob) => {
  let reply: CompileReply;
  try {
    const wasm = await compile({ modules: job.modules, entrypoints: job.entrypoints, regoVersion: job.regoVersion });
    reply = { id: job.id, wasm };
    parentPort!.postMessage(reply, [wasm.buffer as ArrayBuffer]);
    return;
  } catch (e) {
    const diagnostics = e instanceof CompileError ? e.diagnostics : undefined;
    reply = { id: job.id, error: { message: e instanceof Error ? e.message : String(e), diagnostics } };
  }
  parentPort!.postMessage(reply);
});
