/**
 * The thread a timed test run evaluates on (see worker-evaluator.ts): it loads the compiled tests
 * once, then answers `{ id, entrypoint }` with the evaluation and the coverage marks it reached.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import { COVERAGE_BUILTIN } from '../rego/plan/planner.js';
import { HOST_BUILTIN_PREFIX } from '../wasm/native-builtins.js';
import { evaluateOnce } from './evaluation.js';
import { jsonTextBuffer } from '../engine/exact-json.js';

// The data travels as its JSON text: a structured clone would not keep a number's digits (see parseJsonExact).
const { wasm, dataJson, coverage } = workerData as { wasm: Uint8Array; dataJson: string; coverage: boolean };
let marks: string[] = [];
const builtins = coverage ? { ...hostBuiltins, [HOST_BUILTIN_PREFIX + COVERAGE_BUILTIN]: (where: string) => (marks.push(where), true) } : hostBuiltins;
const policy = await loadPolicy(wasm, undefined, builtins);
policy.setData(jsonTextBuffer(dataJson));
parentPort!.on('message', ({ id, entrypoint }: { id: number; entrypoint: string }) => {
  const evaluation = evaluateOnce(policy, entrypoint);
  parentPort!.postMessage({ id, evaluation, marks });
  marks = [];
});
parentPort!.postMessage({ ready: true });
