import type { PolicyFiles } from '../bundle/policy-files.js';
import type { Diagnostic } from '../rego/diagnostics.js';
import { CompileError } from '../rego/errors.js';
import { askWorkerOnce } from '../threads/ask-worker-once.js';
import { startModuleWorker } from '../threads/start-module-worker.js';
import { ConsoleError } from './errors.js';

/** One test's outcome as the playground shows it. */
export interface PlaygroundTestResult {
  name: string;
  outcome: 'pass' | 'fail' | 'error' | 'skip';
  reason?: string;
  file?: string;
  line?: number;
}

type Reply = { results: PlaygroundTestResult[] } | { error: { message: string; diagnostics?: Diagnostic[] } };

/**
 * `warden test`'s runner on a worker thread that is terminated after `timeoutMs`: compiling and
 * running the tests never holds the serving thread, and a test that runs on is an error, not a hang.
 */
export async function runTestsWithin(files: PolicyFiles, timeoutMs: number): Promise<PlaygroundTestResult[]> {
  const worker = startModuleWorker(import.meta.url, 'playground-test-worker');
  const reply = await askWorkerOnce<Reply>(worker, files, timeoutMs, (why) =>
    why.kind === 'timeout'
      ? new ConsoleError('console_bad_request', `the tests did not finish within ${timeoutMs} ms`)
      : why.kind === 'error'
        ? new ConsoleError('console_bad_request', `the test run failed: ${why.error.message}`, { cause: why.error })
        : new ConsoleError('console_bad_request', `the test thread exited (code ${why.code})`),
  );
  if ('results' in reply) return reply.results;
  if (reply.error.diagnostics) throw new CompileError(reply.error.diagnostics);
  throw new ConsoleError('console_bad_request', reply.error.message);
}
