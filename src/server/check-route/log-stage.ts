import { decisionResult, elapsedMs } from '../pipeline.js';
import type { CheckStage } from './check.js';

/**
 * Records the answered check for the decision log and the metrics; the call's pipeline counts it
 * when the answer is ready and writes the record after the answer is sent (see unaryPipeline).
 */
export const logStage: CheckStage = {
  name: 'log',
  run: (check) => {
    const latency = elapsedMs(check.state.started);
    check.state.decisions.push({
      result: decisionResult(check.outcome!.decision),
      cacheHit: check.cacheHit,
      latencyMs: latency,
      record: check.route.record(check, latency),
    });
  },
};
