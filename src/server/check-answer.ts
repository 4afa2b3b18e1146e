import { randomUUID } from 'node:crypto';
import { recordJsonWith, recordTail } from '../audit/index.js';
import type { Decision, DecisionOutcome } from '../engine/index.js';
import { decisionTime } from './decision-time.js';
import { decisionResult, elapsedMs, type CallState } from './pipeline.js';
import type { AuthzCheckResponse } from './request-types.js';

/** Encodes a `CheckResponse` without its decision id (the service's own serializer). */
export type EncodeCheckResponse = (response: Omit<AuthzCheckResponse, 'decision_id'>) => Buffer;

/** Records one decision for the log and metrics (its own id, time and latency before `logTail`); returns its id. */
function recordDecision(decision: Decision, logTail: string, state: CallState, cacheHit: boolean | undefined): string {
  const decisionId = randomUUID();
  const latency = elapsedMs(state.started);
  state.decisions.push({
    result: decisionResult(decision),
    cacheHit,
    latencyMs: latency,
    record: recordJsonWith({ decision_id: decisionId, time: decisionTime(), api: 'authorizer', latency }, logTail),
  });
  return decisionId;
}

/** Records the decision for the log and metrics, and answers with it. */
export function answer(outcome: DecisionOutcome, state: CallState, cacheHit: boolean | undefined): AuthzCheckResponse {
  const { decision } = outcome;
  const tail = recordTail({ allowed: decision.allow, reasons: decision.reasons, revision: outcome.revision, cached: outcome.cached }, outcome.inputJson);
  const decisionId = recordDecision(decision, tail, state, cacheHit);
  return { allowed: decision.allow, reasons: decision.reasons, decision_id: decisionId, policy_revision: outcome.revision, cached: outcome.cached };
}

/** A cached decision's answer parts, with what they were made for. */
interface CachedAnswer extends AnswerParts {
  revision: string;
  inputJson: string;
}

// Keyed by the cached decision object: it lives exactly as long as some cache holds it.
const cachedAnswers = new WeakMap<Decision, CachedAnswer>();

/** `CheckResponse.decision_id` (field 3, length-delimited) holding a 36-character UUID. */
const DECISION_ID_HEADER = [(3 << 3) | 2, 36] as const;

/** What an answer shares with every other answer to the same decision. */
export interface AnswerParts {
  /** The CheckResponse without its decision id. */
  body: Buffer;
  /** The decision log line after its per-call fields (see recordTail). */
  logTail: string;
}

/** The encoded parts of `outcome`'s answer (`cached` as in the outcome). */
export function answerParts(outcome: DecisionOutcome, encode: EncodeCheckResponse): AnswerParts {
  const { decision } = outcome;
  return {
    body: encode({ allowed: decision.allow, reasons: decision.reasons, policy_revision: outcome.revision, cached: outcome.cached }),
    logTail: recordTail({ allowed: decision.allow, reasons: decision.reasons, revision: outcome.revision, cached: outcome.cached }, outcome.inputJson),
  };
}

/**
 * {@link answer} from parts encoded earlier, as `CheckResponse` bytes: the decision id goes first
 * (protobuf fields may come in any order), followed by the parts' body.
 */
export function answerFromParts(decision: Decision, parts: AnswerParts, state: CallState, cacheHit: boolean): Buffer {
  const decisionId = recordDecision(decision, parts.logTail, state, cacheHit);
  const bytes = Buffer.allocUnsafe(DECISION_ID_HEADER.length + 36 + parts.body.length);
  bytes[0] = DECISION_ID_HEADER[0];
  bytes[1] = DECISION_ID_HEADER[1];
  bytes.write(decisionId, DECISION_ID_HEADER.length, 'latin1');
  parts.body.copy(bytes, DECISION_ID_HEADER.length + 36);
  return bytes;
}

/** {@link answer} for a cached decision, as bytes whose parts are encoded once per decision. */
export function answerCachedBytes(outcome: DecisionOutcome, state: CallState, encode: EncodeCheckResponse): Buffer {
  const { decision } = outcome;
  let parts = cachedAnswers.get(decision);
  if (!parts || parts.revision !== outcome.revision || parts.inputJson !== outcome.inputJson) {
    parts = { revision: outcome.revision, inputJson: outcome.inputJson, ...answerParts({ ...outcome, cached: true }, encode) };
    cachedAnswers.set(decision, parts);
  }
  return answerFromParts(decision, parts, state, true);
}
