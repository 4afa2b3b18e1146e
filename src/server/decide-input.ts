import { failedDecision, type DecisionOutcome, type DecisionShape, type Engine } from '../engine/index.js';
import type { EvaluationPool, PoolResult } from './check-worker/evaluation-pool.js';

/** Where the decision services get decisions from. */
export interface DecisionSource {
  engine: Engine;
  /** Evaluates what the engine's cache does not hold, off the serving thread; without it, this thread evaluates. */
  pool?: EvaluationPool;
}

/** A deny the service made for `inputJson` itself (fail closed): a budget, a shutdown, a failed worker. */
export function deniedOutcome(engine: Engine, inputJson: string, reason: string): DecisionOutcome {
  return { decision: failedDecision('error', reason), revision: engine.revision?.id ?? '', cached: false, inputJson };
}

/** The outcome of a built input's pool job; a decision is kept in the serving thread's cache too. */
function outcomeOf(result: PoolResult, source: DecisionSource, inputJson: string, entrypoint: string, shape: DecisionShape): DecisionOutcome {
  if (result.kind === 'denied') return deniedOutcome(source.engine, inputJson, result.reason);
  if (result.kind !== 'evaluated') return deniedOutcome(source.engine, inputJson, 'policy evaluation failed: the evaluation worker could not decide');
  const outcome: DecisionOutcome = {
    decision: result.decision,
    revision: result.revision,
    cached: result.cached,
    inputJson,
    ...(result.cached ? { ttlLeftMs: result.ttlLeftMs } : {}),
    ...(result.volatile ? { volatile: result.volatile } : {}),
  };
  source.engine.store(inputJson, entrypoint, shape, outcome);
  return outcome;
}

/**
 * Decides a built input (`inputJson`, its canonical JSON): from the serving thread's cache at once
 * when it holds the decision, else in the evaluation pool (within its budget), or on this thread
 * when there is no pool (the engine then judges the budget after the fact).
 *
 * @example
 * const outcome = decideInput(deps, JSON.stringify(input), 'warden/authz/decision', 'authz');
 * const { decision } = outcome instanceof Promise ? await outcome : outcome;
 * @throws EngineError `engine_no_revision` when nothing is loaded yet
 */
export function decideInput(source: DecisionSource, inputJson: string, entrypoint: string, shape: DecisionShape, requestKey?: string): DecisionOutcome | Promise<DecisionOutcome> {
  const { engine, pool } = source;
  if (!pool) return engine.decide(undefined, entrypoint, shape, { inputJson, requestKey });
  const hit = engine.lookup(inputJson, entrypoint, shape, requestKey);
  if (hit) return hit;
  return pool.evaluate(inputJson, entrypoint, shape).then((result) => outcomeOf(result, source, inputJson, entrypoint, shape));
}
