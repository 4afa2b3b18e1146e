import { CompileError } from '../rego/errors.js';
import type { Diagnostic } from '../rego/diagnostics.js';
import { startModuleWorker } from '../threads/start-module-worker.js';
import { EvalError } from './errors.js';
import type { EvalRequest, EvalResult } from './evaluate-query.js';

type Reply = { result: EvalResult } | { error: { message: string; diagnostics?: Diagnostic[] } };

/**
 * {@link evaluateQuery} on a worker thread that is terminated after `timeoutMs`: a Wasm evaluation
 * cannot be interrupted from its own thread, and a query that runs on must be an error, not a hang.
 * The bound covers compiling as well as evaluating, as OPA's `--timeout` does.
 */
export async function evaluateWithin(request: EvalRequest, timeoutMs: number): Promise<EvalResult> {
  const worker = startModuleWorker(import.meta.url, 'eval-worker');
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<Reply>((resolve, reject) => {
      timer = setTimeout(() => reject(new EvalError('eval_timeout', `evaluation did not finish within ${timeoutMs} ms (--timeout)`)), timeoutMs);
      worker.once('message', resolve);
      worker.once('error', (e) => reject(new EvalError('eval_failed', `evaluation failed: ${e.message}`, { cause: e })));
      worker.once('exit', (code) => reject(new EvalError('eval_failed', `evaluation thread exited (code ${code})`)));
      worker.postMessage(request);
    });
    if ('result' in reply) return reply.result;
    if (reply.error.diagnostics) throw new CompileError(reply.error.diagnostics);
    throw new EvalError('eval_failed', reply.error.message);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
