import { recordTail } from '../audit/index.js';
import type { Decision, DecisionOutcome } from '../engine/index.js';
import type { AuthzCheckResponse } from './request-types.js';

/** Encodes a `CheckResponse` without its decision id (the service's own serializer). */
export type EncodeCheckResponse = (response: Omit<AuthzCheckResponse, 'decision_id'>) => Buffer;

/**
 * Where `CheckResponse.decision_id` sits in the bytes {@link checkAnswer} writes: field 3,
 * length-delimited (wire type 2), holding a `randomUUID()` (36 characters, so one length byte).
 * Pinned against the loaded `.proto` and `randomUUID` by test/server/check-answer.test.ts.
 */
export const DECISION_ID_FIELD = { number: 3, wireType: 2, length: 36 } as const;
const DECISION_ID_HEADER = [(DECISION_ID_FIELD.number << 3) | DECISION_ID_FIELD.wireType, DECISION_ID_FIELD.length] as const;

/** What an answer shares with every other answer to the same decision: all but its decision id. */
export interface AnswerParts {
  /** The CheckResponse's fields without its decision id. */
  response: Omit<AuthzCheckResponse, 'decision_id'>;
  /** The decision log line after its per-call fields (see recordTail). */
  logTail: string;
  /** The CheckResponse without its decision id, encoded; absent until an answer as bytes needs it. */
  body?: Buffer;
}

/** The fields of `outcome`'s answer without a decision id. */
function responseOf(outcome: DecisionOutcome): Omit<AuthzCheckResponse, 'decision_id'> {
  const { decision } = outcome;
  const response = { allowed: decision.allow, reasons: decision.reasons, policy_revision: outcome.revision, cached: outcome.cached };
  return decision.retryAfterMs !== undefined ? { ...response, retry_after_ms: Math.min(0xffffffff, Math.ceil(decision.retryAfterMs)) } : response;
}

/**
 * The parts of `outcome`'s answer (`cached` as in the outcome), encoded when `encode` is given
 * (an evaluation worker encodes them for the serving thread, see check-worker.ts).
 */
export function answerParts(outcome: DecisionOutcome, encode?: EncodeCheckResponse): AnswerParts {
  const response = responseOf(outcome);
  const logTail = recordTail({ allowed: response.allowed, reasons: response.reasons, revision: response.policy_revision, cached: response.cached }, outcome.inputJson);
  return encode ? { response, logTail, body: encode(response) } : { response, logTail };
}

/** A cached decision's answer parts, with what they were made for. */
interface CachedAnswer {
  revision: string;
  inputJson: string;
  parts: AnswerParts;
}

// Keyed by the cached decision object: it lives exactly as long as some cache holds it.
const cachedAnswers = new WeakMap<Decision, CachedAnswer>();

/**
 * The parts of a cached decision's answer, made (and encoded, given `encode`) once per decision
 * rather than on every call that recalls it.
 */
export function cachedAnswerParts(outcome: DecisionOutcome, encode?: EncodeCheckResponse): AnswerParts {
  const { decision } = outcome;
  let cached = cachedAnswers.get(decision);
  if (!cached || cached.revision !== outcome.revision || cached.inputJson !== outcome.inputJson) {
    cached = { revision: outcome.revision, inputJson: outcome.inputJson, parts: answerParts({ ...outcome, cached: true }) };
    cachedAnswers.set(decision, cached);
  }
  if (encode && cached.parts.body === undefined) cached.parts.body = encode(cached.parts.response);
  return cached.parts;
}

/**
 * The one answer builder: `parts` with `decisionId`, as bytes when `asBytes` and the parts are
 * encoded (the decision id goes first: protobuf fields may come in any order), else as the object.
 * Both forms come from the same parts, so they decode to the same message.
 *
 * @example
 * const response = checkAnswer(answerParts(outcome, encode), randomUUID(), true); // a Buffer
 */
export function checkAnswer(parts: AnswerParts, decisionId: string, asBytes: boolean): AuthzCheckResponse | Buffer {
  const { body } = parts;
  if (!asBytes || body === undefined || decisionId.length !== DECISION_ID_FIELD.length) return { ...parts.response, decision_id: decisionId };
  const bytes = Buffer.allocUnsafe(DECISION_ID_HEADER.length + DECISION_ID_FIELD.length + body.length);
  bytes[0] = DECISION_ID_HEADER[0];
  bytes[1] = DECISION_ID_HEADER[1];
  bytes.write(decisionId, DECISION_ID_HEADER.length, 'latin1');
  body.copy(bytes, DECISION_ID_HEADER.length + DECISION_ID_FIELD.length);
  return bytes;
}
