import { parentPort } from 'node:worker_threads';
import { CompileError } from '../rego/errors.js';
import { evaluateQuery, type EvalRequest } from './evaluate-query.js';

/** The thread `evaluateWithin` runs a query on, so a query that runs too long can be stopped. */
parentPort!.once('message', (request: EvalRequest) => {
  evaluateQuery(request).then(
    (result) => parentPort!.postMessage({ result }),
    (e: unknown) => parentPort!.postMessage({ error: { message: (e as Error).message ?? String(e), diagnostics: e instanceof CompileError ? e.diagnostics : undefined } }),
  );
});
