import type { PolicyFiles } from '../bundle/policy-files.js';
import type { Diagnostic } from '../rego/diagnostics.js';
import { CompileError } from '../rego/errors.js';
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
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<Reply>((resolve, reject) => {
      timer = setTimeout(() => reject(new ConsoleError('console_bad_request', `the tests did not finish within ${timeoutMs} ms`)), timeoutMs);
      worker.once('message', resolve);
      worker.once('error', (e) => reject(new ConsoleError('console_bad_request', `the test run failed: ${e.message}`, { cause: e })));
      worker.once('exit', (code) => reject(new ConsoleError('console_bad_request', `the test thread exited (code ${code})`)));
      worker.postMessage(files);
    });
    if ('results' in reply) return reply.results;
    if (reply.error.diagnostics) throw new CompileError(reply.error.diagnostics);
    throw new ConsoleError('console_bad_request', reply.error.message);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
