import type { DecisionRecord } from './decision-log.js';
import { DECISION_APIS } from './decision-api.js';

/** The fields of a decision record that are the same every time a cached decision is served. */
export type RecordConstants = Pick<DecisionRecord, 'allowed' | 'reasons' | 'revision' | 'cached'>;

/** The fields of a decision record that differ on every call. */
export type RecordCall = Pick<DecisionRecord, 'decision_id' | 'time' | 'api' | 'latency'>;

/**
 * The per-call fields every decision record starts with, in this order, then its constants and
 * input, and `latency` last: {@link recordJsonWith} writes them so, Envoy's records are object
 * literals in the same order, and {@link recordHead} reads them back (the log worker's redactor
 * redacts only what lies between; see createLineRedactor).
 */
export const RECORD_HEAD_FIELDS = ['decision_id', 'time', 'api'] as const;
/** The last member of every record. */
export const RECORD_LATENCY = '"latency":';
// decision_id: a randomUUID; time: Date#toISOString (see decisionTime); api: a DecisionApi.
const HEAD = new RegExp(`^\\{"decision_id":"[0-9a-f-]{36}","time":"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z","api":"(?:${DECISION_APIS.join('|')})",`);

/**
 * The head of a record's JSON text as Warden writes it (`{"decision_id":…,"time":…,"api":…,`),
 * or `undefined` for text of any other shape. Nothing in the head is secret.
 */
export function recordHead(text: string): string | undefined {
  return HEAD.exec(text)?.[0];
}

/**
 * The part of a decision record's JSON from its input fields to `"latency":`, for
 * {@link recordJsonWith}. The input fields (`requester`, `subject`, `action`, `resource`, `context`,
 * `source`) are the members of `inputJson`, an object's JSON text: the text already made for the
 * decision cache is reused rather than serialised again.
 */
export function recordTail(constants: RecordConstants, inputJson: string): string {
  const members = inputJson.length > 2 ? `${inputJson.slice(1, -1)},` : '';
  return `${members}"allowed":${constants.allowed},"reasons":${JSON.stringify(constants.reasons)},"revision":${JSON.stringify(constants.revision)},"cached":${constants.cached},${RECORD_LATENCY}`;
}

/** The input's JSON, of `inputLength`, whose members open `tail` (a {@link recordTail}). */
export function inputJsonOfTail(tail: string, inputLength: number): string {
  return inputLength > 2 ? `{${tail.slice(0, inputLength - 2)}}` : '{}';
}

/**
 * A record's JSON from its per-call fields and a {@link recordTail} made earlier. The decision id
 * (a UUID), the time (RFC 3339) and the API name never need escaping.
 */
export function recordJsonWith(outcome: RecordCall, tail: string): string {
  return `{"decision_id":"${outcome.decision_id}","time":"${outcome.time}","api":"${outcome.api}",${tail}${JSON.stringify(outcome.latency)}}`;
}
