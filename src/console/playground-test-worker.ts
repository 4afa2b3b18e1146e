import { parentPort } from 'node:worker_threads';
import type { PolicyFiles } from '../bundle/policy-files.js';
import { CompileError } from '../rego/errors.js';
import { runTests } from '../tester/run-tests.js';
import type { PlaygroundTestResult } from './playground-tests.js';

/** The thread `runTestsWithin` runs the tests on, so a run that goes on too long can be stopped. */
parentPort!.once('message', (files: PolicyFiles) => {
  runTests(files).then(
    (results) =>
      parentPort!.postMessage({
        results: results.map((r): PlaygroundTestResult => ({ name: r.name, outcome: r.outcome, ...(r.reason !== undefined ? { reason: r.reason } : {}), ...(r.file !== undefined ? { file: r.file } : {}), ...(r.line !== undefined ? { line: r.line } : {}) })),
      }),
    (e: unknown) => parentPort!.postMessage({ error: { message: (e as Error).message ?? String(e), diagnostics: e instanceof CompileError ? e.diagnostics : undefined } }),
  );
});
