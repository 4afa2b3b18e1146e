import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Decision, DecisionOutcome, Engine } from '../engine/index.js';
import type { Identity, JwtVerifier } from '../identity/index.js';
import type { RequestLimits } from './config.js';
import { buildAuthzInput } from './authz-input.js';
import { assertedOrRequester } from './authz-decide.js';
import { requestKey } from './connection-identity.js';
import { answer, answerCachedBytes, answerFromParts, type EncodeCheckResponse } from './check-answer.js';
import type { EvaluationPool, PoolResult } from './check-worker/evaluation-pool.js';
import { decideInput, deniedOutcome } from './decide-input.js';
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
  /**
   * Evaluates policy on worker threads, within a budget, when given: this thread then only answers
   * from its cache. Without it, this thread evaluates (see decideInput).
   */
  pool?: EvaluationPool;
}

/** Requests up to this size are recognised by their bytes (see authorizerService). */
const MAX_RECALLED_REQUEST_BYTES = 8 * 1024;

/** An outcome and whether a cache lookup answered it (`undefined`: none happened, a rejected token). */
interface Decided {
  outcome: DecisionOutcome;
  cacheHit: boolean | undefined;
}

type Outcome = DecisionOutcome | Promise<DecisionOutcome>;

function decideFor(req: AuthzCheckRequest, subject: Identity, state: CallState, deps: DecisionServiceDeps, key?: string): Outcome {
  const input = buildAuthzInput(req, state.connection.requester, subject, state.connection.sourceIp, deps.limits.maxDepth);
  // Built canonical: its JSON serves as cache key, policy input and log text.
  return decideInput(deps, JSON.stringify(input), deps.decision, 'authz', key);
}

/** The input of a check whose subject is not known (a token not verified): for the log of a deny. */
function unverifiedInputJson(req: AuthzCheckRequest, state: CallState, deps: DecisionServiceDeps): string {
  return JSON.stringify(buildAuthzInput(req, state.connection.requester, { id: '', authenticated_by: 'jwt' }, state.connection.sourceIp, deps.limits.maxDepth));
}

/** A subject token is verified on every call (it may expire), so its decisions are never recalled by bytes. */
async function decideForToken(req: AuthzCheckRequest, token: string, state: CallState, deps: DecisionServiceDeps): Promise<Decided> {
  const verified = deps.jwt ? await deps.jwt.verify(token) : undefined;
  if (verified?.ok) {
    const outcome = await decideFor(req, verified.identity, state, deps);
    return { outcome, cacheHit: outcome.cached };
  }
  // A bad token is a deny with a reason; the policy is not asked about an unverified subject.
  const reason = verified ? `subject token rejected: ${verified.reason}` : 'subject token rejected: JWT verification is not configured';
  const decision: Decision = { allow: false, reasons: [reason], failure: 'error' };
  return { outcome: { decision, revision: deps.engine.revision?.id ?? '', cached: false, inputJson: unverifiedInputJson(req, state, deps) }, cacheHit: undefined };
}

/** A `Check`'s answer: a cached decision as bytes when the service can encode them. */
function answerCheck(outcome: DecisionOutcome, state: CallState, deps: DecisionServiceDeps): AuthzCheckResponse | Buffer {
  return outcome.cached && deps.encodeCheckResponse ? answerCachedBytes(outcome, state, deps.encodeCheckResponse) : answer(outcome, state, outcome.cached);
}

/** A `Check` decoded on this thread, and decided from the cache, in the pool, or here without one. */
function checkDecoded(raw: RawRequest<AuthzCheckRequest>, state: CallState, deps: DecisionServiceDeps, key: string | undefined): AuthzCheckResponse | Buffer | Promise<AuthzCheckResponse | Buffer> {
  const req = raw.message();
  validateAuthzCheck(req, deps.limits);
  if (req.subject?.token !== undefined) return decideForToken(req, req.subject.token, state, deps).then((d) => answer(d.outcome, state, d.cacheHit));
  const outcome = decideFor(req, assertedOrRequester(req, state.connection.requester), state, deps, key);
  return outcome instanceof Promise ? outcome.then((o) => answerCheck(o, state, deps)) : answerCheck(outcome, state, deps);
}

/** A `Check` the pool decided, rejected, handed back (a token to verify) or denied (budget, shutdown). */
function settlePooled(result: PoolResult, raw: RawRequest<AuthzCheckRequest>, state: CallState, deps: DecisionServiceDeps, key: string): AuthzCheckResponse | Buffer | Promise<AuthzCheckResponse | Buffer> {
  if (result.kind === 'rejected') throw new ServiceError(result.code, result.message);
  if (result.kind === 'declined') return checkDecoded(raw, state, deps, key);
  if (result.kind === 'denied' || result.kind === 'evaluated') {
    // Denied before the worker answered: decoded here, for the log (and a malformed request is still INVALID_ARGUMENT).
    const req = raw.message();
    validateAuthzCheck(req, deps.limits);
    const reason = result.kind === 'denied' ? result.reason : 'policy evaluation failed: unexpected result from the evaluation worker';
    const inputJson = req.subject?.token !== undefined ? unverifiedInputJson(req, state, deps) : JSON.stringify(buildAuthzInput(req, state.connection.requester, assertedOrRequester(req, state.connection.requester), state.connection.sourceIp, deps.limits.maxDepth));
    return answer(deniedOutcome(deps.engine, inputJson, reason), state, false);
  }
  const decision: Decision = { allow: result.allow, reasons: result.reasons, ...(result.failure !== undefined ? { failure: result.failure } : {}) };
  if (result.cached && result.inputJson !== undefined) {
    deps.engine.rememberCached(key, deps.decision, 'authz', { decision, revision: result.revision, cached: true, inputJson: result.inputJson, ttlLeftMs: result.ttlLeftMs });
  }
  // The worker encoded the response with the service's own protos (see rawRequestService).
  return answerFromParts(decision, result.answer, state, result.cached);
}

/**
 * `warden.authz.v1.Authorizer`: `Check` and `CheckBatch` (checks decided together, results in
 * request order, each with its own decision id and log line). A `Check` whose bytes, from the same
 * connection, were decided before is answered from the cache without being decoded again: equal
 * bytes on one connection make equal policy inputs (tokens excepted, see decideForToken). Other
 * `Check`s go to the evaluation pool as bytes, decoded there.
 */
export function authorizerService(deps: DecisionServiceDeps): UntypedServiceImplementation {
  return {
    Check: unaryPipeline<RawRequest<AuthzCheckRequest>, AuthzCheckResponse | Buffer>(deps, 'authorizer', '/warden.authz.v1.Authorizer/Check', (raw, state) => {
      // Large requests are not worth a cache key of their size: they are decoded and decided as usual.
      const key = raw.bytes.length <= MAX_RECALLED_REQUEST_BYTES ? requestKey(state.connection, raw.bytes) : undefined;
      const recalled = key !== undefined ? deps.engine.recall(key, deps.decision, 'authz') : undefined;
      if (recalled) return answerCheck(recalled, state, deps);
      if (key !== undefined && deps.pool && deps.engine.revision) {
        return deps.pool.check(state.connection.key, raw.bytes).then((result) => settlePooled(result, raw, state, deps, key));
      }
      return checkDecoded(raw, state, deps, key);
    }),
    CheckBatch: unaryPipeline<RawRequest<AuthzCheckBatchRequest>, AuthzCheckBatchResponse>(deps, 'authorizer', '/warden.authz.v1.Authorizer/CheckBatch', async (raw, state) => {
      const req = raw.message();
      validateAuthzBatch(req, deps.limits);
      // Decided together (in the pool, the misses side by side), answered and logged in request order.
      const decided = await Promise.all(
        (req.checks ?? []).map(async (check): Promise<Decided> => {
          if (check.subject?.token !== undefined) return decideForToken(check, check.subject.token, state, deps);
          const outcome = await decideFor(check, assertedOrRequester(check, state.connection.requester), state, deps);
          return { outcome, cacheHit: outcome.cached };
        }),
      );
      return { results: decided.map((d) => answer(d.outcome, state, d.cacheHit)) };
    }),
  };
}
