import type { Logger } from 'pino';
import type { DecisionRecord, WardenMetrics } from '../../audit/index.js';
import type { CredentialChecks } from '../../credentials/credential-checks.js';
import { takeApiKey } from '../api-key-header.js';
import { canonicalJson, type Engine } from '../../engine/index.js';
import type { EnvoyOptions, RequestLimits } from '../config.js';
import { decisionTime } from '../decision-time.js';
import { buildEnvoyInput, peerIdentity, type EnvoyInput } from '../envoy-input.js';
import { envoyInputRecord } from '../envoy-record.js';
import { clip, envoyRejection, type EnvoyRequestRejected } from '../envoy-rejection.js';
import { envoyResponse, type EnvoyResponseOptions } from '../envoy-response.js';
import type { RawRequest } from '../protos.js';
import type { EnvoyCheckRequest } from '../request-types.js';
import { ServiceError } from '../errors.js';
import { validateEnvoyCheck } from '../validation.js';
import { setCheckInput, type Check, type CheckRoute } from './check.js';

/** What Envoy's route needs. */
export interface EnvoyRouteDeps {
  engine: Engine;
  limits: RequestLimits;
  logger: Logger;
  metrics: WardenMetrics;
  /** Entrypoint of Envoy checks. */
  envoyDecision: string;
  envoy?: EnvoyOptions;
  /** Verifies API keys (`x-api-key`, `authorization: ApiKey`), and holds them to the credential rules. */
  credentials: CredentialChecks;
}

/** An Envoy check's own state: its request, and the input built from it or why it was refused. */
export interface EnvoyCheckData {
  raw: RawRequest<EnvoyCheckRequest>;
  req?: EnvoyCheckRequest;
  input?: EnvoyInput;
  rejection?: EnvoyRequestRejected;
}

/** A rejected request's fields go to the logs cut to this many characters. */
const LOGGED_FIELD_LENGTH = 256;

/** The log line and count of a check refused for what it holds. */
function reportRejection(rejection: EnvoyRequestRejected, check: Check, deps: EnvoyRouteDeps): void {
  deps.metrics.recordEnvoyRejection(rejection.reason);
  const ours = rejection.reason === 'bad_check_request' && rejection.cause !== undefined && !(rejection.cause instanceof ServiceError);
  // The client's mistakes are routine; a proxy sending what is not a check is misconfigured; anything else is a Warden bug.
  const level = ours ? 'error' : rejection.reason === 'bad_check_request' ? 'warn' : 'info';
  const cause = ours && rejection.cause instanceof Error ? { err: { type: rejection.cause.name, message: rejection.cause.message } } : {};
  deps.logger[level](
    { method: check.state.method, requester: check.state.connection.requester.id, decision_id: check.decisionId, reason: rejection.reason, http_status: rejection.httpStatus, ...cause },
    `envoy check rejected: ${rejection.message}`,
  );
}

/** The decision record of a refused check: whose request it was, when that can be read safely. */
function rejectionRecord(data: EnvoyCheckData, check: Check, deps: EnvoyRouteDeps, latency: number): DecisionRecord {
  const { req } = data;
  const http = req?.attributes?.request?.http;
  const principal = req?.attributes?.source?.principal;
  const subject = principal !== undefined && principal.length <= deps.limits.maxValueLength ? (peerIdentity(principal) ?? null) : null;
  const outcome = check.outcome!;
  return {
    decision_id: check.decisionId!,
    time: decisionTime(),
    api: 'envoy',
    requester: check.state.connection.requester,
    subject,
    action: clip(http?.method, LOGGED_FIELD_LENGTH),
    resource: null,
    source: { ip: clip(req?.attributes?.source?.address?.socket_address?.address, LOGGED_FIELD_LENGTH) },
    http: { method: clip(http?.method, LOGGED_FIELD_LENGTH), path: clip(http?.path, LOGGED_FIELD_LENGTH), host: clip(http?.host, LOGGED_FIELD_LENGTH) },
    allowed: false,
    reasons: outcome.decision.reasons,
    revision: outcome.revision,
    cached: false,
    latency,
  };
}

/**
 * Makes the API key's identity the subject of `input` (it wins over the peer Envoy names: it is the
 * credential Warden verified), or denies the check with 401 and returns false.
 */
function withKeySubject(input: EnvoyInput, apiKey: string, check: Check, deps: EnvoyRouteDeps): boolean {
  const verdict = deps.credentials.apiKey(apiKey, input.resource.service);
  if (verdict.ok) {
    input.subject = verdict.identity;
    return true;
  }
  check.outcome = { decision: { allow: false, reasons: [verdict.reason], failure: 'error', envoy: { http_status: 401 } }, revision: deps.engine.revision?.id ?? '', cached: false, inputJson: canonicalJson(input) };
  return false;
}

/**
 * The route of `envoy.service.auth.v3.Authorization/Check`: decided with the Envoy entrypoint and
 * answered in Envoy's terms. A request that cannot be read or is over a limit is denied with an
 * HTTP 4xx (see validateEnvoyCheck, parseEnvoyBody), never a gRPC error that Envoy's
 * `failure_mode_allow` would let through.
 */
export function envoyRoute(deps: EnvoyRouteDeps): CheckRoute {
  const options: EnvoyResponseOptions = { exposeReasons: deps.envoy?.exposeReasons === true };
  return {
    api: 'envoy',
    entrypoint: deps.envoyDecision,
    shape: 'envoy',
    identify(check) {
      const data = check.data as EnvoyCheckData;
      try {
        data.req = data.raw.message();
        validateEnvoyCheck(data.req, deps.limits);
        const apiKey = takeApiKey(data.req.attributes!.request?.http);
        data.input = buildEnvoyInput(data.req.attributes!, check.state.connection.requester, deps.limits);
        if (apiKey !== undefined && !withKeySubject(data.input, apiKey, check, deps)) return;
      } catch (e) {
        data.rejection = envoyRejection(e);
        const reasons = [`request rejected: ${data.rejection.message}`];
        check.outcome = { decision: { allow: false, reasons, envoy: { http_status: data.rejection.httpStatus } }, revision: deps.engine.revision?.id ?? '', cached: false, inputJson: '{}' };
        return;
      }
      setCheckInput(check, data.input);
    },
    answer(check) {
      const { rejection } = check.data as EnvoyCheckData;
      if (rejection) reportRejection(rejection, check, deps);
      return envoyResponse(check.outcome!.decision, check.decisionId!, options);
    },
    record(check, latency) {
      const data = check.data as EnvoyCheckData;
      const { input } = data;
      if (data.rejection || !input) return rejectionRecord(data, check, deps, latency);
      return envoyInputRecord('envoy', input, check.outcome!, check.decisionId!, latency);
    },
  };
}
