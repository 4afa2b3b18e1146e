import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { EvaluationPool } from './check-worker/evaluation-pool.js';
import { authorizerRoute, type AuthorizerCheckData, type AuthorizerRouteDeps } from './check-route/authorizer-route.js';
import { CheckPipeline } from './check-route/check-pipeline.js';
import type { Check } from './check-route/check.js';
import type { Countermeasures } from '../protection/countermeasures.js';
import type { ProtectionCheck } from './check-route/protection-stage.js';
import type { EnvoyOptions } from './config.js';
import { unaryPipeline, type PipelineDeps } from './pipeline.js';
import type { RawRequest } from './protos.js';
import type { AuthzCheckBatchRequest, AuthzCheckBatchResponse, AuthzCheckRequest, AuthzCheckResponse } from './request-types.js';
import { validateAuthzBatch } from './validation.js';

/** What the decision services need besides the pipeline's own dependencies. */
export interface DecisionServiceDeps extends PipelineDeps, AuthorizerRouteDeps {
  /** Entrypoint of Envoy checks. */
  envoyDecision: string;
  /**
   * Evaluates policy on worker threads, within a budget, when given: this thread then only answers
   * from its cache. Without it, this thread evaluates.
   */
  pool?: EvaluationPool;
  /** Checks run before the cache on every check (see protectionStage); none by default. */
  protection?: readonly ProtectionCheck[];
  /** Deny list, bans, rate limits and the watchers of what passes (see docs/protection.md). */
  countermeasures?: Countermeasures;
  envoy?: EnvoyOptions;
}

/** Requests up to this size are recognised by their bytes (see authorizerService). */
const MAX_RECALLED_REQUEST_BYTES = 8 * 1024;

/**
 * `warden.authz.v1.Authorizer`: `Check` and `CheckBatch` (checks decided together, results in
 * request order, each with its own decision id and log line), both through the {@link CheckPipeline}.
 * A `Check` whose bytes, from the same connection, were decided before is answered from the cache
 * without being decoded again: equal bytes on one connection make equal policy inputs (tokens
 * excepted: never recalled). Other `Check`s go to the evaluation pool as bytes, decoded there.
 */
export function authorizerService(deps: DecisionServiceDeps, pipeline = new CheckPipeline(deps)): UntypedServiceImplementation {
  const checkRoute = authorizerRoute(deps, true);
  const batchRoute = authorizerRoute(deps, false);
  return {
    Check: unaryPipeline<RawRequest<AuthzCheckRequest>, AuthzCheckResponse | Buffer>(deps, 'authorizer', '/warden.authz.v1.Authorizer/Check', (raw, state) => {
      const data: AuthorizerCheckData = { raw };
      // Large requests are not worth a cache key of their size: they are decoded and decided as usual.
      const check: Check = raw.bytes.length <= MAX_RECALLED_REQUEST_BYTES ? { state, route: checkRoute, data, bytes: raw.bytes } : { state, route: checkRoute, data };
      return pipeline.run(check) as AuthzCheckResponse | Buffer | Promise<AuthzCheckResponse | Buffer>;
    }),
    CheckBatch: unaryPipeline<RawRequest<AuthzCheckBatchRequest>, AuthzCheckBatchResponse>(deps, 'authorizer', '/warden.authz.v1.Authorizer/CheckBatch', async (raw, state) => {
      const req = raw.message();
      validateAuthzBatch(req, deps.limits);
      const checks = (req.checks ?? []).map((one): Check => ({ state, route: batchRoute, data: { req: one } satisfies AuthorizerCheckData }));
      return { results: (await pipeline.runAll(checks)) as AuthzCheckResponse[] };
    }),
  };
}
