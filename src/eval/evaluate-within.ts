import { CompileError } from '../rego/errors.js';
import type { Diagnostic } from '../rego/diagnostics.js';
import { askWorkerOnce } from '../threads/ask-worker-once.js';
import { startModuleWorker } from '../threads/start-module-worker.js';
import { EvalError } from './errors.js';
import type { EvalRequest, EvalResult } from './evaluate-query.js';
import { parseJsonExact, stringifyJsonExact } from '../engine/exact-json.js';

/**
 * What the worker is asked: the data and the input travel as JSON text (`{"data": …, "input": …}`),
 * the result back too, since a structured clone would not keep a number's digits (see parseJsonExact).
 */
export interface EvalMessage {
  request: EvalRequest;
  valuesJson: string;
}

type Reply = { resultJson: string } | { error: { message: string; diagnostics?: Diagnostic[] } };

/**
 * {@link evaluateQuery} on a worker thread that is terminated after `timeoutMs`: a Wasm evaluation
 * cannot be interrupted from its own thread, and a query that runs on must be an error, not a hang.
 * The bound covers compiling as well as evaluating, as OPA's `--timeout` does.
 */
export async function evaluateWithin(request: EvalRequest, timeoutMs: number): Promise<EvalResult> {
  const worker = startModuleWorker(import.meta.url, 'eval-worker');
  const { input, files, ...rest } = request;
  const message: EvalMessage = { request: { ...rest, files: { ...files, data: {} } }, valuesJson: stringifyJsonExact({ data: files.data, input }) };
  const reply = await askWorkerOnce<Reply>(worker, message, timeoutMs, (why) =>
    why.kind === 'timeout'
      ? new EvalError('eval_timeout', `evaluation did not finish within ${timeoutMs} ms (--timeout)`)
      : why.kind === 'error'
        ? new EvalError('eval_failed', `evaluation failed: ${why.error.message}`, { cause: why.error })
        : new EvalError('eval_failed', `evaluation thread exited (code ${why.code})`),
  );
  if ('resultJson' in reply) return parseJsonExact(reply.resultJson) as EvalResult;
  if (reply.error.diagnostics) throw new CompileError(reply.error.diagnostics);
  throw new EvalError('eval_failed', reply.error.message);
}
