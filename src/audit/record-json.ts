import type { DecisionRecord } from './decision-log.js';

/** The fields of a decision record that are not parts of the policy input. */
export type RecordOutcome = Pick<DecisionRecord, 'decision_id' | 'time' | 'api' | 'allowed' | 'reasons' | 'revision' | 'cached' | 'latency'>;

/** The fields that are the same every time a cached decision is served. */
export type RecordConstants = Pick<RecordOutcome, 'allowed' | 'reasons' | 'revision' | 'cached'>;

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
  return recordJsonWith(outcome, recordTail(outcome, inputJson));
}

/** The part of a record's JSON from the input's members up to `"latency":`, for {@link recordJsonWith}. */
export function recordTail(constants: RecordConstants, inputJson: string): string {
  const members = inputJson.length > 2 ? `${inputJson.slice(1, -1)},` : '';
  return `${members}"allowed":${constants.allowed},"reasons":${JSON.stringify(constants.reasons)},"revision":${JSON.stringify(constants.revision)},"cached":${constants.cached},"latency":`;
}

/**
 * A record's JSON from its per-call fields and a {@link recordTail} made earlier. The decision id
 * (a UUID), the time (RFC 3339) and the API name never need escaping.
 */
export function recordJsonWith(outcome: Pick<RecordOutcome, 'decision_id' | 'time' | 'api' | 'latency'>, tail: string): string {
  return `{"decision_id":"${outcome.decision_id}","time":"${outcome.time}","api":"${outcome.api}",${tail}${JSON.stringify(outcome.latency)}}`;
}
