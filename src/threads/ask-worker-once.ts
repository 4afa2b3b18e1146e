import type { Worker } from 'node:worker_threads';

/** How a one-shot worker failed to answer: ran past its time, threw, or exited. */
export type WorkerFailure = { kind: 'timeout'; timeoutMs: number } | { kind: 'error'; error: Error } | { kind: 'exit'; code: number };

/**
 * Posts `message` to `worker`, waits for its one reply, and terminates the worker whatever happens:
 * a run past `timeoutMs` (Wasm cannot be interrupted on its own thread), an error or an exit
 * rejects with the error `failure` makes of it.
 */
export async function askWorkerOnce<R>(worker: Worker, message: unknown, timeoutMs: number, failure: (why: WorkerFailure) => Error): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<R>((resolve, reject) => {
      timer = setTimeout(() => reject(failure({ kind: 'timeout', timeoutMs })), timeoutMs);
      worker.once('message', resolve);
      worker.once('error', (error) => reject(failure({ kind: 'error', error })));
      worker.once('exit', (code) => reject(failure({ kind: 'exit', code })));
      worker.postMessage(message);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
