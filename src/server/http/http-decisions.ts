import type { DecisionRecord, DecisionSink, WardenMetrics } from '../../audit/index.js';
import type { CallState } from '../pipeline.js';

/** Where an HTTP route's decisions are counted and written. */
export interface DecisionSinks {
  decisionLog: DecisionSink;
  metrics: WardenMetrics;
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
