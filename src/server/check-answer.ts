import { randomUUID } from 'node:crypto';
import { recordJson, recordJsonWith, recordTail } from '../audit/index.js';
import type { Decision, DecisionOutcome } from '../engine/index.js';
import { elapsedMs, type CallState } from './pipeline.js';
import type { AuthzCheckResponse } from './request-types.js';

/** Encodes a `CheckResponse` without its decision id (the service's own serializer). */
export type EncodeCheckResponse = (response: Omit<AuthzCheckResponse, 'decision_id'>) => Buffer;

function resultOf(decision: Decision): 'allow' | 'deny' | 'error' {
  return decision.failure !== undefined ? 'error' : decision.allow ? 'allow' : 'deny';
}

/** Records the decision for the log and metrics, and answers with it. */
export function answer(outcome: DecisionOutcome, state: CallState, cacheHit: boolean | undefined): AuthzCheckResponse {
  const { decision } = outcome;
  const decisionId = randomUUID();
  const latency = elapsedMs(state.started);
  state.decisions.push({
    result: resultOf(decision),
    cacheHit,
    latencyMs: latency,
    record: recordJson(
      { decision_id: decisionId, time: new Date().toISOString(), api: 'authorizer', allowed: decision.allow, reasons: decision.reasons, revision: outcome.revision, cached: outcome.cached, latency },
      outcome.inputJson,
    ),
  });
  return { allowed: decision.allow, reasons: decision.reasons, decision_id: decisionId, policy_revision: outcome.revision, cached: outcome.cached };
}

/** What every answer from one cached decision shares: the encoded response and the log line's tail. */
interface CachedAnswer {
  revision: string;
  inputJson: string;
  /** The CheckResponse without its decision id. */
  body: Buffer;
  logTail: string;
}

// Keyed by the cached decision object: it lives exactly as long as some cache holds it.
const cachedAnswers = new WeakMap<Decision, CachedAnswer>();

/** `CheckResponse.decision_id` (field 3, length-delimited) holding a 36-character UUID. */
const DECISION_ID_HEADER = [(3 << 3) | 2, 36] as const;

/**
 * {@link answer} for a cached decision, as `CheckResponse` bytes: the decision id goes first
 * (protobuf fields may come in any order) and the rest is the same every time, so it is encoded
 * once, as is the decision log line's tail.
 */
export function answerCachedBytes(outcome: DecisionOutcome, state: CallState, encode: EncodeCheckResponse): Buffer {
  const { decision } = outcome;
  let parts = cachedAnswers.get(decision);
  if (!parts || parts.revision !== outcome.revision || parts.inputJson !== outcome.inputJson) {
    parts = {
      revision: outcome.revision,
      inputJson: outcome.inputJson,
      body: encode({ allowed: decision.allow, reasons: decision.reasons, policy_revision: outcome.revision, cached: true }),
      logTail: recordTail({ allowed: decision.allow, reasons: decision.reasons, revision: outcome.revision, cached: true }, outcome.inputJson),
    };
    cachedAnswers.set(decision, parts);
  }
  const decisionId = randomUUID();
  const latency = elapsedMs(state.started);
  state.decisions.push({
    result: resultOf(decision),
    cacheHit: true,
    latencyMs: latency,
    record: recordJsonWith({ decision_id: decisionId, time: new Date().toISOString(), api: 'authorizer', latency }, parts.logTail),
  });
  const bytes = Buffer.allocUnsafe(DECISION_ID_HEADER.length + 36 + parts.body.length);
  bytes[0] = DECISION_ID_HEADER[0];
  bytes[1] = DECISION_ID_HEADER[1];
  bytes.write(decisionId, DECISION_ID_HEADER.length, 'latin1');
  parts.body.copy(bytes, DECISION_ID_HEADER.length + 36);
  return bytes;
}
