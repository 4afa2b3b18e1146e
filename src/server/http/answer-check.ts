import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { DecisionRecord, DecisionSink, WardenMetrics } from '../../audit/index.js';
import type { CheckPipeline } from '../check-route/check-pipeline.js';
import type { Check } from '../check-route/check.js';
import { elapsedMs, type CallState } from '../pipeline.js';
import { sendAnswer, type HttpAnswer } from './http-route.js';

/** Where an HTTP route's decisions are counted and written. */
export interface DecisionSinks {
  decisionLog: DecisionSink;
  metrics: WardenMetrics;
}

/** What an HTTP route runs its checks with. */
export interface HttpCheckDeps extends DecisionSinks {
  pipeline: CheckPipeline;
  logger: Logger;
  /** Longest a decision may take before the caller is given the failure answer anyway (`limits.requestTimeoutMs`). */
  decisionTimeoutMs: number;
}

/** How a route answers when no decision could be made, in time or at all. */
export interface FailureAnswer {
  /** Names the route in the operational log (`forward-auth answered 403: …`). */
  route: string;
  status: number;
  /** The answer, given the reason and the decision id the operational log names. */
  answer(reason: string, decisionId: string): HttpAnswer;
}

/** A call answered before its decision was ready: after how long, and with what status. */
export interface TimedOut {
  afterMs: number;
  answeredWith: number;
}

/**
 * Counts the call's decisions (under the call's api) and writes their records. Given `timedOut`,
 * the caller was answered with a failure before the decision was ready: each is counted as an
 * error and its record says so.
 */
export function logHttpDecisions(state: CallState, sinks: DecisionSinks, timedOut?: TimedOut): void {
  for (const d of state.decisions) {
    sinks.metrics.recordDecision(state.api, timedOut ? 'error' : d.result, d.latencyMs / 1000);
    if (d.cacheHit !== undefined) sinks.metrics.recordCache(d.cacheHit);
    let record = d.record;
    if (timedOut && typeof record === 'object') record = { ...record, allowed: false, reasons: [...record.reasons, `answered ${timedOut.answeredWith}: no decision within ${timedOut.afterMs} ms`] } satisfies DecisionRecord;
    sinks.decisionLog.write(record);
  }
}

/**
 * Runs `check` through the pipeline and sends its route's answer, then logs its decisions. Fail
 * closed: a pipeline that throws, rejects, or takes longer than `decisionTimeoutMs` is answered with
 * `failure` (and the reason in the operational log); a decision that comes after that is logged as
 * one the caller never got.
 */
export function answerCheck(check: Check, res: ServerResponse, deps: HttpCheckDeps, failure: FailureAnswer): void | Promise<void> {
  const { state } = check;
  let timedOut = false;
  const fail = (reason: string, err?: unknown): void => {
    const decisionId = check.decisionId ?? randomUUID();
    deps.logger.error({ requester: state.connection.requester.id, decision_id: decisionId, err }, `${failure.route} answered ${failure.status}: ${reason}`);
    if (!timedOut && state.decisions.length === 0) deps.metrics.recordDecision(state.api, 'error', elapsedMs(state.started) / 1000);
    sendAnswer(res, failure.answer(reason, decisionId));
  };
  const finish = (): void => {
    sendAnswer(res, check.response as HttpAnswer);
    logHttpDecisions(state, deps, timedOut ? { afterMs: deps.decisionTimeoutMs, answeredWith: failure.status } : undefined);
  };
  let done: unknown;
  try {
    done = deps.pipeline.run(check);
  } catch (e) {
    return fail(`no decision: ${(e as Error).message}`, e);
  }
  if (!(done instanceof Promise)) return finish();
  const timer = setTimeout(() => {
    timedOut = true;
    fail(`no decision within ${deps.decisionTimeoutMs} ms`);
  }, deps.decisionTimeoutMs);
  return done.then(
    () => {
      clearTimeout(timer);
      finish();
    },
    (e: unknown) => {
      clearTimeout(timer);
      fail(`no decision: ${(e as Error)?.message ?? String(e)}`, e);
    },
  );
}
