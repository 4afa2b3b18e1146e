import { parentPort } from 'node:worker_threads';
import { parseJsonExact, stringifyJsonExact } from '../engine/exact-json.js';
import { CompileError } from '../rego/errors.js';
import { evaluateQuery } from './evaluate-query.js';
import type { EvalMessage } from './evaluate-within.js';

/** The thread `evaluateWithin` runs a query on, so a query that runs too long can be stopped. */
parentPort!.once('message', ({ request, valuesJson }: EvalMessage) => {
  const { data, input } = parseJsonExact(valuesJson) as { data: Record<string, unknown>; input?: unknown };
  evaluateQuery({ ...request, files: { ...request.files, data }, ...(input !== undefined ? { input } : {}) }).then(
    (result) => parentPort!.postMessage({ resultJson: stringifyJsonExact(result) }),
    (e: unknown) => parentPort!.postMessage({ error: { message: (e as Error).message ?? String(e), diagnostics: e instanceof CompileError ? e.diagnostics : undefined } }),
  );
});
