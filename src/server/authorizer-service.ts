import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Decision, DecisionOutcome, Engine } from '../engine/index.js';
import type { Identity, JwtVerifier } from '../identity/index.js';
import type { RequestLimits } from './config.js';
import { buildAuthzInput } from './authz-input.js';
import { assertedOrRequester, decideAuthz } from './authz-decide.js';
import { requestKey } from './connection-identity.js';
import { answer, answerCachedBytes, answerFromParts, type EncodeCheckResponse } from './check-answer.js';
import type { CheckOffload } from './check-worker/check-offload.js';
import type { CheckResult } from './check-worker/wire.js';
import { unaryPipeline, type CallState, type PipelineDeps } from './pipeline.js';
import type { RawRequest } from './protos.js';
import type { AuthzCheckBatchRequest, AuthzCheckBatchResponse, AuthzCheckRequest, AuthzCheckResponse } from './request-types.js';
import { ServiceError } from './service-error.js';
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
  encodeCheckResponse?: EncodeCheckResponse;
  /** Decides cache-missing `Check`s on a worker thread, when given. */
  offload?: CheckOffload;
}

/** Requests up to this size are recognised by their bytes (see authorizerService). */
const MAX_RECALLED_REQUEST_BYTES = 8 * 1024;

function decideFor(req: AuthzCheckRequest, subject: Identity, state: CallState, deps: DecisionServiceDeps, key?: string): DecisionOutcome {
  return decideAuthz(deps.engine, deps.decision, req, subject, state.connection, deps.limits.maxDepth, key);
}

/** A subject token is verified on every call (it may expire), so its decisions are never recalled by bytes. */
async function decideForToken(req: AuthzCheckRequest, token: string, state: CallState, deps: DecisionServiceDeps): Promise<AuthzCheckResponse> {
  const verified = deps.jwt ? await deps.jwt.verify(token) : undefined;
  if (verified?.ok) {
    const outcome = decideFor(req, verified.identity, state, deps);
    return answer(outcome, state, outcome.cached);
  }
  // A bad token is a deny with a reason; the policy is not asked about an unverified subject.
  const reason = verified ? `subject token rejected: ${verified.reason}` : 'subject token rejected: JWT verification is not configured';
  const decision: Decision = { allow: false, reasons: [reason], failure: 'error' };
  const input = buildAuthzInput(req, state.connection.requester, { id: '', authenticated_by: 'jwt' }, state.connection.sourceIp, deps.limits.maxDepth);
  return answer({ decision, revision: deps.engine.revision?.id ?? '', cached: false, inputJson: JSON.stringify(input) }, state, undefined);
}

/** A `Check`'s answer: a cached decision as bytes when the service can encode them. */
function answerCheck(outcome: DecisionOutcome, state: CallState, deps: DecisionServiceDeps): AuthzCheckResponse | Buffer {
  return outcome.cached && deps.encodeCheckResponse ? answerCachedBytes(outcome, state, deps.encodeCheckResponse) : answer(outcome, state, outcome.cached);
}

/** A `Check` decided on this thread. */
function checkInProcess(raw: RawRequest<AuthzCheckRequest>, state: CallState, deps: DecisionServiceDeps, key: string | undefined): AuthzCheckResponse | Buffer | Promise<AuthzCheckResponse> {
  const req = raw.message();
  validateAuthzCheck(req, deps.limits);
  if (req.subject?.token !== undefined) return decideForToken(req, req.subject.token, state, deps);
  return answerCheck(decideFor(req, assertedOrRequester(req, state.connection.requester), state, deps, key), state, deps);
}

/** A `Check` the worker decided (or rejected, or handed back to be decided here). */
function settleOffloaded(result: CheckResult, raw: RawRequest<AuthzCheckRequest>, state: CallState, deps: DecisionServiceDeps, key: string): AuthzCheckResponse | Buffer | Promise<AuthzCheckResponse> {
  if (result.kind === 'rejected') throw new ServiceError(result.code, result.message);
  if (result.kind === 'declined') return checkInProcess(raw, state, deps, key);
  const decision: Decision = { allow: result.allow, reasons: result.reasons, ...(result.failure !== undefined ? { failure: result.failure } : {}) };
  if (result.cached && result.inputJson !== undefined) {
    deps.engine.rememberCached(key, deps.decision, 'authz', { decision, revision: result.revision, cached: true, inputJson: result.inputJson, ttlLeftMs: result.ttlLeftMs });
  }
  // The worker encoded the response with the service's own protos (see rawRequestService).
  return answerFromParts(decision, result.answer, state, result.cached);
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
      if (recalled) return answerCheck(recalled, state, deps);
      const serving = deps.engine.revision;
      const offloaded = key !== undefined && serving ? deps.offload?.submit(serving.id, state.connection.key, raw.bytes) : undefined;
      if (offloaded) return offloaded.then((result) => settleOffloaded(result, raw, state, deps, key!));
      return checkInProcess(raw, state, deps, key);
    }),
    CheckBatch: unaryPipeline<RawRequest<AuthzCheckBatchRequest>, AuthzCheckBatchResponse>(deps, 'authorizer', '/warden.authz.v1.Authorizer/CheckBatch', async (raw, state) => {
      const req = raw.message();
      validateAuthzBatch(req, deps.limits);
      const results: AuthzCheckResponse[] = [];
      for (const check of req.checks ?? []) {
        if (check.subject?.token !== undefined) results.push(await decideForToken(check, check.subject.token, state, deps));
        else {
          const outcome = decideFor(check, assertedOrRequester(check, state.connection.requester), state, deps);
          results.push(answer(outcome, state, outcome.cached));
        }
      }
      return { results };
    }),
  };
}
