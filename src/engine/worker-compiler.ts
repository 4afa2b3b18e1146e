import type { Worker } from 'node:worker_threads';
import { compile, CompileError } from '../rego/index.js';
import { startCompileWorker, type CompileReply } from '../rego/worker/compile-job.js';
import type { PolicyCompiler } from './revision.js';
import { WardenError } from '../errors.js';

/** The worker's failure as this thread's error: the compiler's own `CompileError` when it gave diagnostics. */
function compileFailure(error: { message: string; diagnostics?: CompileError['diagnostics'] }): Error {
  return error.diagnostics ? new CompileError(error.diagnostics) : new WardenError('compile_failed', error.message);
}

function startWorker(): Worker {
  // Reloads of very large policies need more stack than the default (see large-stack.ts).
  const worker = startCompileWorker({ stackSizeMb: 256 });
  worker.unref();
  return worker;
}

/**
 * A `PolicyCompiler` that compiles in a worker thread, so compiling a large policy on reload never
 * stalls the event loop that answers checks. The worker starts on first use and is reused; if it
 * dies, pending compiles fail and the next one starts a new worker.
 */
export function workerCompiler(options: { regoVersion?: 0 | 1 } = {}): PolicyCompiler & { warmUp(): void; close(): Promise<void> } {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (w: Uint8Array) => void; reject: (e: Error) => void }>();

  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    worker = undefined;
  };
  const ensure = (): Worker => {
    if (worker) return worker;
    const w = startWorker();
    w.on('message', (reply: CompileReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if ('wasm' in reply) p.resolve(reply.wasm);
      else if ('error' in reply) p.reject(compileFailure(reply.error));
    });
    w.on('error', (e) => failAll(new Error(`policy compiler worker failed: ${e.message}`)));
    w.on('exit', (code) => failAll(new Error(`policy compiler worker exited (code ${code})`)));
    worker = w;
    return w;
  };

  const compileInWorker = (modules: Array<{ path: string; source: string; regoVersion?: 0 | 1 }>, entrypoints: string[]): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const w = ensure();
      const id = nextId++;
      // A compile in flight keeps the process alive; an idle worker does not.
      w.ref();
      const done = () => pending.size === 0 && w.unref();
      pending.set(id, { resolve: (x) => (resolve(x), done()), reject: (e) => (reject(e), done()) });
      w.postMessage({ id, output: 'wasm', options: { modules, entrypoints, regoVersion: options.regoVersion } });
    });

  return Object.assign(compileInWorker, {
    /** Starts the worker now so that the first compile does not wait for it to load. */
    warmUp(): void {
      ensure();
    },
    async close(): Promise<void> {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  });
}

/**
 * The compiler `warden serve` uses: the first compile runs in-process (nothing is served yet, and
 * it starts faster); every later one is a reload while checks are being answered, so it runs in
 * the worker, which is started right after the first compile so that it is warm by then.
 */
export function servingCompiler(options: { regoVersion?: 0 | 1 } = {}): PolicyCompiler & { close(): Promise<void> } {
  const inWorker = workerCompiler(options);
  let served = false;
  const compileForServing: PolicyCompiler = async (modules, entrypoints) => {
    if (served) return inWorker(modules, entrypoints);
    served = true;
    try {
      return await compile({ modules, entrypoints, regoVersion: options.regoVersion });
    } finally {
      inWorker.warmUp();
    }
  };
  return Object.assign(compileForServing, { close: () => inWorker.close() });
}
