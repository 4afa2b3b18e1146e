import type { DecisionApi, DecisionRecord } from '../../audit/index.js';
import { canonicalJsonOf, type DecisionOutcome, type DecisionShape, type Engine } from '../../engine/index.js';
import type { AnswerParts } from '../check-answer.js';
import type { EvaluationPool } from '../check-worker/evaluation-pool.js';
import type { InlineEvaluator } from '../check-worker/inline-evaluator.js';
import type { CallState } from '../pipeline.js';
import type { ProtectedCall } from '../../protection/protected-call.js';

/**
 * One check on its way through the {@link CheckStage}s: what the route started it with, and what
 * each stage has worked out so far. One call holds one check (`Check`) or several (`CheckBatch`).
 */
export interface Check {
  readonly state: CallState;
  readonly route: CheckRoute;
  /**
   * The request's bytes when they may be recalled and handed to the pool as they are (an
   * Authorizer `Check` small enough): the decide stage hands them over undecoded.
   */
  bytes?: Buffer;
  /** A key of the request's bytes on its connection (see requestKey): equal keys, equal inputs. */
  requestKey?: string;
  /** The policy input's canonical JSON, once the identity stage (or a later decode) built it. */
  inputJson?: string;
  /** The same input as plain data, when the route built both (`JSON.stringify` of it is `inputJson`): the cache key is read from it. */
  inputValue?: unknown;
  /** The decision, once a stage made one: later deciding stages then stand aside. */
  outcome?: DecisionOutcome;
  /** `true` hit, `false` miss, `undefined` when no cache lookup happened (a refused check). */
  cacheHit?: boolean;
  /** Answer parts already encoded (by an evaluation worker). */
  parts?: AnswerParts;
  /** The decision id, set by the answer stage. */
  decisionId?: string;
  /** The answer, set by the answer stage. */
  response?: unknown;
  /** Route-specific state (the decoded request, the built input, a rejection). */
  data?: unknown;
  /** Who calls what from where, for the countermeasures (set by the protection stage when they need it, or by a route that knows better). */
  call?: ProtectedCall;
}

/** What a route reports back from a stage: nothing, or a promise of nothing. */
export type StageStep = void | Promise<void>;

/**
 * What differs between the routes to a Check answer (Authorizer `Check`, each check of a
 * `CheckBatch`, Envoy's `Check`): how the request becomes a subject and an input, and how a
 * decision becomes an answer and a log record. The stages do the rest the same way for all.
 */
export interface CheckRoute {
  readonly api: DecisionApi;
  readonly entrypoint: string;
  readonly shape: DecisionShape;
  /**
   * Decodes the request, resolves its subject (a token is verified: may be async) and builds
   * `check.inputJson`; or sets `check.outcome` to a deny saying why (a rejected token, an Envoy
   * request that cannot be read). A request that may be recalled by its bytes is not decoded
   * until a stage needs it (`decoded` false).
   */
  identify(check: Check, decoded: boolean): StageStep;
  /**
   * The call of a request kept as bytes, read without building its input (so that it can still go to
   * the evaluation pool as bytes); `undefined` when that cannot be done here (a subject token).
   */
  peekCall?(check: Check): ProtectedCall | undefined;
  /** The answer to `check.outcome` with `check.decisionId`. */
  answer(check: Check): unknown;
  /** The decision log record of the answered check. */
  record(check: Check, latencyMs: number): DecisionRecord | string;
}

/** What the stages decide with. */
export interface CheckDeps {
  engine: Engine;
  /** Evaluates off the serving thread when given; without it this thread evaluates. */
  pool?: EvaluationPool;
  /** With a pool: decides the misses it can on this thread, each within a slice of work, before the pool. */
  inline?: InlineEvaluator;
}

/**
 * One step of the {@link CheckPipeline}. A stage reads and sets fields of the check; it returns
 * nothing when it is done at once, or a promise when it waits (so a check that no stage waits for
 * is answered in the same turn, with no promise at all).
 */
export interface CheckStage {
  readonly name: string;
  run(check: Check): StageStep;
}

/**
 * Runs `stages` in order from `from`; synchronous as long as every stage is.
 *
 * @example
 * const done = runStages(stages, check);
 * if (done instanceof Promise) await done;
 */
export function runStages(stages: readonly CheckStage[], check: Check, from = 0): StageStep {
  for (let i = from; i < stages.length; i++) {
    const step = stages[i]!.run(check);
    if (step instanceof Promise) return step.then(() => runStages(stages, check, i + 1));
  }
  return undefined;
}

/**
 * Sets `check`'s policy input: its canonical JSON, and the input itself when that JSON is the
 * input's own `JSON.stringify` (the cache key is then read from the value, not the text).
 */
export function setCheckInput(check: Check, input: unknown): string {
  const { json, stringified } = canonicalJsonOf(input);
  check.inputJson = json;
  check.inputValue = stringified ? input : undefined;
  return json;
}
