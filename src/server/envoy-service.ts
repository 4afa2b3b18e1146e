import { randomUUID } from 'node:crypto';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { DecisionServiceDeps } from './authorizer-service.js';
import { canonicalJson, type DecisionOutcome } from '../engine/index.js';
import { decideInput } from './decide-input.js';
import type { EnvoyOptions } from './config.js';
import { buildEnvoyInput, peerIdentity, type EnvoyInput } from './envoy-input.js';
import { clip, envoyRejection, type EnvoyRequestRejected } from './envoy-rejection.js';
import { envoyResponse, type EnvoyResponseOptions } from './envoy-response.js';
import { decisionTime } from './decision-time.js';
import { decisionResult, elapsedMs, unaryPipeline, type CallState } from './pipeline.js';
import type { RawRequest } from './protos.js';
import type { EnvoyCheckRequest, EnvoyCheckResponse } from './request-types.js';
import { ServiceError } from './service-error.js';
import { validateEnvoyCheck } from './validation.js';

/** What the Envoy service needs: the decision services' dependencies and its own options. */
export interface EnvoyServiceDeps extends DecisionServiceDeps {
  envoy?: EnvoyOptions;
}

/** A rejected request's fields go to the logs cut to this many characters. */
const LOGGED_FIELD_LENGTH = 256;

/**
 * A check refused for what it holds: a deny with the reason in the decision log, a count in
 * `warden_envoy_rejected_requests_total`, one log line, and an HTTP 4xx for the client.
 */
function rejectedCheck(rejection: EnvoyRequestRejected, req: EnvoyCheckRequest | undefined, state: CallState, deps: EnvoyServiceDeps, decisionId: string, options: EnvoyResponseOptions): EnvoyCheckResponse {
  deps.metrics.recordEnvoyRejection(rejection.reason);
  const ours = rejection.reason === 'bad_check_request' && rejection.cause !== undefined && !(rejection.cause instanceof ServiceError);
  // The client's mistakes are routine; a proxy sending what is not a check is misconfigured; anything else is a Warden bug.
  const level = ours ? 'error' : rejection.reason === 'bad_check_request' ? 'warn' : 'info';
  const cause = ours && rejection.cause instanceof Error ? { err: { type: rejection.cause.name, message: rejection.cause.message } } : {};
  deps.logger[level](
    { method: state.method, requester: state.connection.requester.id, decision_id: decisionId, reason: rejection.reason, http_status: rejection.httpStatus, ...cause },
    `envoy check rejected: ${rejection.message}`,
  );
  const reasons = [`request rejected: ${rejection.message}`];
  const http = req?.attributes?.request?.http;
  const principal = req?.attributes?.source?.principal;
  // Who sent it, when that can be read safely: the log should say whose request was refused.
  const subject = principal !== undefined && principal.length <= deps.limits.maxValueLength ? (peerIdentity(principal) ?? null) : null;
  const latency = elapsedMs(state.started);
  state.decisions.push({
    result: 'deny',
    cacheHit: undefined,
    latencyMs: latency,
    record: {
      decision_id: decisionId,
      time: decisionTime(),
      api: 'envoy',
      requester: state.connection.requester,
      subject,
      action: clip(http?.method, LOGGED_FIELD_LENGTH),
      resource: null,
      source: { ip: clip(req?.attributes?.source?.address?.socket_address?.address, LOGGED_FIELD_LENGTH) },
      http: { method: clip(http?.method, LOGGED_FIELD_LENGTH), path: clip(http?.path, LOGGED_FIELD_LENGTH), host: clip(http?.host, LOGGED_FIELD_LENGTH) },
      allowed: false,
      reasons,
      revision: deps.engine.revision?.id ?? '',
      cached: false,
      latency,
    },
  });
  return envoyResponse({ allow: false, reasons, envoy: { http_status: rejection.httpStatus } }, decisionId, options);
}

/** Records the decision for the log and metrics, and answers in Envoy's terms. */
function respond(outcome: DecisionOutcome, input: EnvoyInput, state: CallState, decisionId: string, options: EnvoyResponseOptions): EnvoyCheckResponse {
  const { decision } = outcome;
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
  return envoyResponse(decision, decisionId, options);
}

/**
 * `envoy.service.auth.v3.Authorization/Check`: Envoy's external authorization, decided with the
 * Envoy entrypoint and answered in Envoy's terms (status 0 / 7, ok or denied HTTP response).
 * Whatever the request holds, the answer is a `CheckResponse`: a request that cannot be read or
 * is over a limit is denied with an HTTP 4xx (see validateEnvoyCheck, parseEnvoyBody), never a gRPC
 * error that Envoy's `failure_mode_allow` would let through.
 * A decision the cache does not hold is evaluated in the pool, off this thread (see decideInput).
 */
export function envoyAuthorizationService(deps: EnvoyServiceDeps): UntypedServiceImplementation {
  const options: EnvoyResponseOptions = { exposeReasons: deps.envoy?.exposeReasons === true };
  return {
    Check: unaryPipeline<RawRequest<EnvoyCheckRequest>, EnvoyCheckResponse>(
      deps,
      'envoy',
      '/envoy.service.auth.v3.Authorization/Check',
      (raw, state) => {
        const decisionId = randomUUID();
        let req: EnvoyCheckRequest | undefined;
        let input: EnvoyInput;
        try {
          req = raw.message();
          validateEnvoyCheck(req, deps.limits);
          input = buildEnvoyInput(req.attributes!, state.connection.requester, deps.limits);
        } catch (e) {
          return rejectedCheck(envoyRejection(e), req, state, deps, decisionId, options);
        }
        const outcome = decideInput(deps, canonicalJson(input), deps.envoyDecision, 'envoy');
        return outcome instanceof Promise ? outcome.then((o) => respond(o, input, state, decisionId, options)) : respond(outcome, input, state, decisionId, options);
      },
    ),
  };
}
