import { performance } from 'node:perf_hooks';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import type { CoverageRecorder } from './coverage.js';
import { exactJsonBytes } from '../engine/exact-json.js';

/** What evaluating one entrypoint gave: its rows, the error it threw, or nothing within the timeout. */
export type Evaluation =
  | { kind: 'rows'; rows: Array<{ result: unknown }>; durationMs: number }
  | { kind: 'error'; message: string; durationMs: number }
  | { kind: 'timeout'; durationMs: number };

/** Runs entrypoints of one compiled test module against the policy's data. */
export interface TestEvaluator {
  evaluate(entrypoint: string): Promise<Evaluation>;
  close(): Promise<void>;
}

/** What an evaluator is loaded with. */
export interface EvaluatorSetup {
  wasm: Uint8Array;
  data: Record<string, unknown>;
  coverage?: CoverageRecorder;
}

/** The SDK throws strings (aborts), plain objects (missing builtins) and Errors. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** A loaded policy's synchronous evaluation of one entrypoint, timed. */
export function evaluateOnce(policy: { evaluate(input: object, entrypoint: string): unknown }, entrypoint: string): Evaluation {
  const started = performance.now();
  try {
    const rows = policy.evaluate(undefined as unknown as object, entrypoint) as Array<{ result: unknown }>;
    return { kind: 'rows', rows, durationMs: performance.now() - started };
  } catch (e) {
    return { kind: 'error', message: describeThrown(e), durationMs: performance.now() - started };
  }
}

/** Evaluates on this thread: no timeout (a runaway test holds the run), no thread to start. */
export async function inProcessEvaluator(setup: EvaluatorSetup): Promise<TestEvaluator & { policy: { evaluate(input: object, entrypoint: string): unknown } }> {
  const policy = await loadPolicy(setup.wasm, undefined, setup.coverage ? { ...hostBuiltins, ...setup.coverage.builtins() } : hostBuiltins);
  policy.setData(exactJsonBytes(setup.data));
  return {
    policy,
    evaluate: async (entrypoint) => evaluateOnce(policy, entrypoint),
    close: async () => {},
  };
}
