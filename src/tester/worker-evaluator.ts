import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../threads/start-module-worker.js';
import type { Evaluation, EvaluatorSetup, TestEvaluator } from './evaluation.js';
import { TesterError } from './errors.js';
import { stringifyJsonExact } from '../engine/exact-json.js';

interface Reply {
  id: number;
  evaluation: Evaluation;
  marks: string[];
}

async function startWorker(setup: EvaluatorSetup): Promise<Worker> {
  const worker = startModuleWorker(import.meta.url, 'test-worker', { workerData: { wasm: setup.wasm, dataJson: stringifyJsonExact(setup.data), coverage: setup.coverage !== undefined } });
  await new Promise<void>((resolve, reject) => {
    const failed = (e: unknown) => reject(new TesterError('tester_worker_failed', `the test thread did not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`exited with code ${code}`)));
    worker.once('message', () => {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      resolve();
    });
  });
  return worker;
}

/**
 * Evaluates on a worker thread so a test that runs past `timeoutMs` can be stopped: Wasm evaluation
 * is synchronous and cannot be interrupted from inside, so the thread is terminated, the test is a
 * timeout, and a fresh thread (loading the same compiled module, not compiling again) runs the rest.
 */
export async function workerEvaluator(setup: EvaluatorSetup, timeoutMs: number): Promise<TestEvaluator> {
  let worker = await startWorker(setup);
  let nextId = 0;
  const evaluate = async (entrypoint: string): Promise<Evaluation> => {
    const id = nextId++;
    const current = worker;
    const reply = await new Promise<Reply | 'timeout' | Error>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      const done = (r: Reply | Error) => {
        clearTimeout(timer);
        current.off('message', onMessage);
        current.off('error', onError);
        resolve(r);
      };
      const onMessage = (m: Reply) => m.id === id && done(m);
      const onError = (e: Error) => done(e);
      current.on('message', onMessage);
      current.on('error', onError);
      current.postMessage({ id, entrypoint });
    });
    if (reply !== 'timeout' && !(reply instanceof Error)) {
      for (const where of reply.marks) setup.coverage?.mark(where);
      return reply.evaluation;
    }
    await current.terminate();
    worker = await startWorker(setup);
    if (reply instanceof Error) return { kind: 'error', message: `the test thread failed: ${reply.message}`, durationMs: 0 };
    return { kind: 'timeout', durationMs: timeoutMs };
  };
  return { evaluate, close: async () => void (await worker.terminate()) };
}
