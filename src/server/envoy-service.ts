import { randomUUID } from 'node:crypto';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { DecisionServiceDeps } from './authorizer-service.js';
import { canonicalJson, type DecisionOutcome } from '../engine/index.js';
import { decideInput } from './decide-input.js';
import { buildEnvoyInput, type EnvoyInput } from './envoy-input.js';
import { envoyResponse } from './envoy-response.js';
import { decisionTime } from './decision-time.js';
import { decisionResult, elapsedMs, unaryPipeline, type CallState } from './pipeline.js';
import type { RawRequest } from './protos.js';
import type { EnvoyCheckRequest, EnvoyCheckResponse } from './request-types.js';
import { validateEnvoyCheck } from './validation.js';

/** Records the decision for the log and metrics, and answers in Envoy's terms. */
function respond(outcome: DecisionOutcome, input: EnvoyInput, state: CallState): EnvoyCheckResponse {
  const { decision } = outcome;
  const decisionId = randomUUID();
  const latency = elapsedMs(state.started);
  state.decisions.push({
    result: decisionResult(decision),
    cacheHit: outcome.cached,
    latencyMs: latency,
    record: {
      decision_id: decisionId,
      time: decisionTime(),
      api: 'envoy',
      requester: input.requester,
      subject: input.subject ?? null,
      action: input.action,
      resource: input.resource,
      context: input.context,
      source: input.source,
      http: input.http,
      allowed: decision.allow,
      reasons: decision.reasons,
      revision: outcome.revision,
      cached: outcome.cached,
      latency,
    },
  });
  return envoyResponse(decision, decisionId);
}

/**
 * `envoy.service.auth.v3.Authorization/Check`: Envoy's external authorization, decided with the
 * Envoy entrypoint and answered in Envoy's terms (status 0 / 7, ok or denied HTTP response). A
 * decision the cache does not hold is evaluated in the pool, off this thread (see decideInput).
 */
export function envoyAuthorizationService(deps: DecisionServiceDeps): UntypedServiceImplementation {
  return {
    Check: unaryPipeline<RawRequest<EnvoyCheckRequest>, EnvoyCheckResponse>(
      deps,
      'envoy',
      '/envoy.service.auth.v3.Authorization/Check',
      (raw, state) => {
        const req = raw.message();
        validateEnvoyCheck(req, deps.limits);
        const input = buildEnvoyInput(req.attributes!, state.connection.requester);
        const outcome = decideInput(deps, canonicalJson(input), deps.envoyDecision, 'envoy');
        return outcome instanceof Promise ? outcome.then((o) => respond(o, input, state)) : respond(outcome, input, state);
      },
    ),
  };
}
