import type { DecisionRecord } from './decision-log.js';

/** The fields of a decision record that are the same every time a cached decision is served. */
export type RecordConstants = Pick<DecisionRecord, 'allowed' | 'reasons' | 'revision' | 'cached'>;

/** The fields of a decision record that differ on every call. */
export type RecordCall = Pick<DecisionRecord, 'decision_id' | 'time' | 'api' | 'latency'>;

/**
 * The part of a decision record's JSON from its input fields to `"latency":`, for
 * {@link recordJsonWith}. The input fields (`requester`, `subject`, `action`, `resource`, `context`,
 * `source`) are the members of `inputJson`, an object's JSON text: the text already made for the
 * decision cache is reused rather than serialised again.
 */
export function recordTail(constants: RecordConstants, inputJson: string): string {
  const members = inputJson.length > 2 ? `${inputJson.slice(1, -1)},` : '';
  return `${members}"allowed":${constants.allowed},"reasons":${JSON.stringify(constants.reasons)},"revision":${JSON.stringify(constants.revision)},"cached":${constants.cached},"latency":`;
}

/**
 * A record's JSON from its per-call fields and a {@link recordTail} made earlier. The decision id
 * (a UUID), the time (RFC 3339) and the API name never need escaping.
 */
export function recordJsonWith(outcome: RecordCall, tail: string): string {
  return `{"decision_id":"${outcome.decision_id}","time":"${outcome.time}","api":"${outcome.api}",${tail}${JSON.stringify(outcome.latency)}}`;
}
