import type { DecisionRecord } from './decision-log.js';

/** The fields of a decision record that are not parts of the policy input. */
export type RecordOutcome = Pick<DecisionRecord, 'decision_id' | 'time' | 'api' | 'allowed' | 'reasons' | 'revision' | 'cached' | 'latency'>;

/**
 * The JSON text of a decision record whose input fields (`requester`, `subject`, `action`,
 * `resource`, `context`, `source`) are exactly the members of `inputJson`, an object's JSON text:
 * the text already made for the decision cache is reused rather than serialised again.
 *
 * @example
 * recordJson({ decision_id: 'd1', time, api: 'authorizer', allowed: true, reasons: [], revision: 'r1', cached: true, latency: 0.01 }, '{"action":"read"}')
 * // → '{"decision_id":"d1",…,"api":"authorizer","action":"read","allowed":true,…}'
 */
export function recordJson(outcome: RecordOutcome, inputJson: string): string {
  const members = inputJson.length > 2 ? `${inputJson.slice(1, -1)},` : '';
  return (
    `{"decision_id":${JSON.stringify(outcome.decision_id)},"time":${JSON.stringify(outcome.time)},"api":${JSON.stringify(outcome.api)},${members}` +
    `"allowed":${outcome.allowed},"reasons":${JSON.stringify(outcome.reasons)},"revision":${JSON.stringify(outcome.revision)},"cached":${outcome.cached},"latency":${JSON.stringify(outcome.latency)}}`
  );
}
