import { randomUUID } from 'node:crypto';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { recordJson, recordJsonWith, recordTail } from '../audit/index.js';
import type { Decision, DecisionOutcome, Engine } from '../engine/index.js';
import { assertedIdentity, type Identity, type JwtVerifier } from '../identity/index.js';
import type { RequestLimits } from './config.js';
import { buildAuthzInput } from './authz-input.js';
import { requestKey } from './connection-identity.js';
import { elapsedMs, unaryPipeline, type CallState, type PipelineDeps } from './pipeline.js';
import type { RawRequest } from './protos.js';
import type { AuthzCheckBatchRequest, AuthzCheckBatchResponse, AuthzCheckRequest, AuthzCheckResponse } from './request-types.js';
import { validateAuthzBatch, validateAuthzCheck } from './validation.js';

/** What the decision services need besides the pipeline's own dependencies. */
export interface DecisionServiceDeps extends PipelineDeps {
  engine: Engine;
  jwt: JwtVerifier | undefined;
  limits: RequestLimits;
  /** Entrypoint of authorizer checks. */
  decision: string;
  /** Entrypoint of Envoy checks. */
  envoyDecision: string;
  /**
   * Encodes a `CheckResponse` (the service's own serializer): given it, `Check` answers with bytes,
   * and a cached decision's bytes are encoded once rather than on every call.
   */
  encodeCheckResponse?: (response: Omit<AuthzCheckResponse, 'decision_id'>) => Buffer;
}

/** Requests up to this size are recognised by their bytes (see authorizerService). */
const MAX_RECALLED_REQUEST_BYTES = 8 * 1024;

/** Records the decision for the log and metrics, and answers with it. */
function answer(outcome: DecisionOutcome, state: CallState, cacheHit: boolean | undefined): AuthzCheckResponse {
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

function resultOf(decision: Decision): 'allow' | 'deny' | 'error' {
  return decision.failure !== undefined ? 'error' : decision.allow ? 'allow' : 'deny';
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
 * The answer to a cached decision as `CheckResponse` bytes: the decision id goes first (protobuf
 * fields may come in any order) and the rest is the same every time, so it is encoded once.
 */
function answerCachedBytes(outcome: DecisionOutcome, state: CallState, encode: NonNullable<DecisionServiceDeps['encodeCheckResponse']>): Buffer {
  const { decision } = outcome;
  let parts = cachedAnswers.get(decision);
  if (!parts || parts.revision !== outcome.revision || parts.inputJson !== outcome.inputJson) {
    const constants = { allowed: decision.allow, reasons: decision.reasons, revision: outcome.revision, cached: true };
    parts = {
      revision: outcome.revision,
      inputJson: outcome.inputJson,
      body: encode({ allowed: decision.allow, reasons: decision.reasons, policy_revision: outcome.revision, cached: true }),
      logTail: recordTail(constants, outcome.inputJson),
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
  const bytes = Buffer.allocUnsafe(2 + 36 + parts.body.length);
  bytes[0] = DECISION_ID_HEADER[0];
  bytes[1] = DECISION_ID_HEADER[1];
  bytes.write(decisionId, 2, 'latin1');
  parts.body.copy(bytes, 38);
  return bytes;
}

/** Decides for `subject`; with `key`, the decision is also remembered for the request's bytes. */
function decideFor(req: AuthzCheckRequest, subject: Identity, state: CallState, deps: DecisionServiceDeps, key?: string): AuthzCheckResponse | Buffer {
  const { requester, sourceIp } = state.connection;
  const input = buildAuthzInput(req, requester, subject, sourceIp, deps.limits.maxDepth);
  const outcome = deps.engine.decide(input, deps.decision, 'authz', { inputJson: JSON.stringify(input), requestKey: key });
  if (outcome.cached && key !== undefined && deps.encodeCheckResponse) return answerCachedBytes(outcome, state, deps.encodeCheckResponse);
  return answer(outcome, state, outcome.cached);
}

/** A subject token is verified on every call (it may expire), so its decisions are never recalled by bytes. */
async function decideForToken(req: AuthzCheckRequest, token: string, state: CallState, deps: DecisionServiceDeps): Promise<AuthzCheckResponse> {
  const verified = deps.jwt ? await deps.jwt.verify(token) : undefined;
  if (verified?.ok) return decideFor(req, verified.identity, state, deps) as AuthzCheckResponse;
  // A bad token is a deny with a reason; the policy is not asked about an unverified subject.
  const reason = verified ? `subject token rejected: ${verified.reason}` : 'subject token rejected: JWT verification is not configured';
  const decision: Decision = { allow: false, reasons: [reason], failure: 'error' };
  const input = buildAuthzInput(req, state.connection.requester, { id: '', authenticated_by: 'jwt' }, state.connection.sourceIp, deps.limits.maxDepth);
  return answer({ decision, revision: deps.engine.revision?.id ?? '', cached: false, inputJson: JSON.stringify(input) }, state, undefined);
}

/** One validated check: decided at once unless its subject is a token to verify. */
function decideOne(req: AuthzCheckRequest, state: CallState, deps: DecisionServiceDeps, key?: string): AuthzCheckResponse | Buffer | Promise<AuthzCheckResponse> {
  const s = req.subject;
  if (s?.token !== undefined) return decideForToken(req, s.token, state, deps);
  return decideFor(req, s?.spiffe_id !== undefined ? assertedIdentity(s.spiffe_id) : state.connection.requester, state, deps, key);
}

/**
 * `warden.authz.v1.Authorizer`: `Check` and `CheckBatch` (checks decided in order, results in
 * request order, each with its own decision id and log line). A `Check` whose bytes, from the same
 * connection, were decided before is answered from the cache without being decoded again: equal
 * bytes on one connection make equal policy inputs (tokens excepted, see decideForToken).
 */
export function authorizerService(deps: DecisionServiceDeps): UntypedServiceImplementation {
  return {
    Check: unaryPipeline<RawRequest<AuthzCheckRequest>, AuthzCheckResponse | Buffer>(deps, 'authorizer', '/warden.authz.v1.Authorizer/Check', (raw, state) => {
      // Large requests are not worth a cache key of their size: they are decoded and decided as usual.
      const key = raw.bytes.length <= MAX_RECALLED_REQUEST_BYTES ? requestKey(state.connection, raw.bytes) : undefined;
      const recalled = key !== undefined ? deps.engine.recall(key, deps.decision, 'authz') : undefined;
      if (recalled) return deps.encodeCheckResponse ? answerCachedBytes(recalled, state, deps.encodeCheckResponse) : answer(recalled, state, true);
      const req = raw.message();
      validateAuthzCheck(req, deps.limits);
      return decideOne(req, state, deps, key);
    }),
    CheckBatch: unaryPipeline<RawRequest<AuthzCheckBatchRequest>, AuthzCheckBatchResponse>(deps, 'authorizer', '/warden.authz.v1.Authorizer/CheckBatch', async (raw, state) => {
      const req = raw.message();
      validateAuthzBatch(req, deps.limits);
      const results: AuthzCheckResponse[] = [];
      for (const check of req.checks ?? []) results.push((await decideOne(check, state, deps)) as AuthzCheckResponse);
      return { results };
    }),
  };
}
