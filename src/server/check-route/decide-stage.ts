import { failedDecision, type DecisionOutcome, type Engine } from '../../engine/index.js';
import type { PoolResult } from '../check-worker/evaluation-pool.js';
import { inputJsonOfTail } from '../../audit/index.js';
import { ServiceError } from '../errors.js';
import { lookupInput } from './cache-stage.js';
import type { Check, CheckDeps, CheckStage, StageStep } from './check.js';

/** A deny the service made for `inputJson` itself (fail closed): a budget, a shutdown, a failed worker. */
export function deniedOutcome(engine: Engine, inputJson: string, reason: string): DecisionOutcome {
  return { decision: failedDecision('error', reason), revision: engine.revision?.id ?? '', cached: false, inputJson };
}

/**
 * A decision made for a built input on another thread, or on this one within a slice: kept in this
 * thread's cache too, and under `requestKey` when given.
 */
function decided(check: Check, deps: CheckDeps, made: { decision: DecisionOutcome['decision']; revision: string; cached: boolean; ttlLeftMs?: number; volatile?: boolean }, requestKey?: string): void {
  const inputJson = check.inputJson!;
  const { route } = check;
  const outcome: DecisionOutcome = {
    decision: made.decision,
    revision: made.revision,
    cached: made.cached,
    inputJson,
    ...(made.cached ? { ttlLeftMs: made.ttlLeftMs } : {}),
    ...(made.volatile ? { volatile: true } : {}),
  };
  deps.engine.store(inputJson, route.entrypoint, route.shape, outcome, requestKey);
  check.outcome = outcome;
  check.cacheHit = outcome.cached;
}

/** The outcome of a built input's pool job. */
function pooledInput(check: Check, deps: CheckDeps, result: PoolResult): void {
  const inputJson = check.inputJson!;
  // A miss, whatever the pool made of it (a deny for the budget too, as the cache did not hold it).
  check.cacheHit = false;
  if (result.kind === 'denied') check.outcome = deniedOutcome(deps.engine, inputJson, result.reason);
  else if (result.kind !== 'evaluated') check.outcome = deniedOutcome(deps.engine, inputJson, 'policy evaluation failed: the evaluation worker could not decide');
  else decided(check, deps, result);
}

/** Decides a built input: on this thread within a slice when it can, else in the pool when there is one, else on this thread. */
function decideInput(check: Check, deps: CheckDeps): StageStep {
  const { route } = check;
  if (deps.pool) {
    const inline = deps.inline?.evaluate(deps.engine.revision, check.inputJson!, route.entrypoint, route.shape);
    // Remembered by the request's bytes at once: once calls come together, the same bytes would
    // otherwise go to a worker, whose cache never saw this decision.
    if (inline) return decided(check, deps, { ...inline, cached: false }, check.requestKey);
    return deps.pool.evaluate(check.inputJson!, route.entrypoint, route.shape).then((result) => pooledInput(check, deps, result));
  }
  // The cache lookup, for the request's key too, happens in here (see lookupInput).
  const outcome = deps.engine.decide(undefined, route.entrypoint, route.shape, { inputJson: check.inputJson, inputValue: check.inputValue, requestKey: check.requestKey });
  check.outcome = outcome;
  check.cacheHit = outcome.cached;
  return undefined;
}

/** Decodes a request kept as bytes (its subject resolved, its input built), looks it up, and decides it. */
function decodeAndDecide(check: Check, deps: CheckDeps): StageStep {
  const next = (): StageStep => {
    if (check.outcome) return undefined;
    lookupInput(check, deps);
    return check.outcome ? undefined : decideInput(check, deps);
  };
  const step = check.route.identify(check, true);
  return step instanceof Promise ? step.then(next) : next();
}

/** A request's bytes the pool decided, rejected, handed back (a token to verify) or denied (budget, shutdown). */
function pooledBytes(check: Check, deps: CheckDeps, result: PoolResult): StageStep {
  if (result.kind === 'rejected') throw new ServiceError(result.code, result.message);
  if (result.kind === 'declined') return decodeAndDecide(check, deps);
  if (result.kind === 'denied' || result.kind === 'evaluated') {
    // Denied before the worker answered: decoded here for the log (a malformed request is still INVALID_ARGUMENT).
    const reason = result.kind === 'denied' ? result.reason : 'policy evaluation failed: unexpected result from the evaluation worker';
    const step = check.route.identify(check, true);
    const deny = () => {
      check.outcome = deniedOutcome(deps.engine, check.inputJson ?? check.outcome?.inputJson ?? '{}', reason);
      check.cacheHit = false;
    };
    return step instanceof Promise ? step.then(deny) : deny();
  }
  const { route } = check;
  const outcome: DecisionOutcome = {
    decision: { allow: result.allow, reasons: result.reasons, ...(result.failure !== undefined ? { failure: result.failure } : {}), ...(result.limits ? { limits: result.limits } : {}) },
    revision: result.revision,
    cached: result.cached,
    // A fresh decision's input travels only inside its log tail.
    inputJson: result.inputJson ?? (result.inputLength !== undefined ? inputJsonOfTail(result.answer.logTail, result.inputLength) : ''),
    ...(result.cached ? { ttlLeftMs: result.ttlLeftMs } : {}),
    ...(result.volatile ? { volatile: true } : {}),
  };
  if (result.cached && result.inputJson !== undefined) deps.engine.rememberCached(check.requestKey!, route.entrypoint, route.shape, outcome);
  // Kept here too where this thread may decide the same input itself next (see InlineEvaluator);
  // not while calls come together and the workers decide (that would only add work to every miss).
  else if (!result.cached && outcome.inputJson !== '' && deps.inline?.hasRoom()) deps.engine.store(outcome.inputJson, route.entrypoint, route.shape, outcome);
  check.outcome = outcome;
  check.cacheHit = result.cached;
  // The worker encoded the response with the service's own protos (see rawRequestService).
  check.parts = { response: { allowed: result.allow, reasons: result.reasons, policy_revision: result.revision, cached: result.cached }, logTail: result.answer.logTail, body: result.answer.body };
  return undefined;
}

/**
 * Decides what the cache did not hold. Where this thread decides misses within a slice (see
 * InlineEvaluator), requests are decoded and decided here, and go to the pool only when the slice
 * does not suffice. Otherwise request bytes go to the evaluation pool as they are (decoded and
 * decided there, the answer encoded there too); a built input goes to the pool, or is evaluated on
 * this thread when there is no pool (the engine then judges the budget afterwards).
 *
 * @throws EngineError `engine_no_revision` when nothing is loaded yet
 */
export function decideStage(deps: CheckDeps): CheckStage {
  return {
    name: 'decide',
    run: (check) => {
      if (check.outcome) return undefined;
      if (check.inputJson !== undefined) return decideInput(check, deps);
      const serving = deps.engine.revision;
      // Request bytes go to the pool undecoded, unless this thread decides the revision's misses itself.
      if (check.bytes !== undefined && deps.pool && serving && !deps.inline?.ready(serving)) {
        return deps.pool.check(check.state.connection.key, check.bytes).then((result) => pooledBytes(check, deps, result));
      }
      return decodeAndDecide(check, deps);
    },
  };
}
