import type { Logger } from 'pino';
import type { DecisionRecord } from '../../audit/index.js';
import { canonicalJson, failedDecision, type Engine } from '../../engine/index.js';
import type { Identity, JwtVerifier } from '../../identity/index.js';
import { setCheckInput, type Check, type CheckRoute } from '../check-route/check.js';
import type { ClientTrust } from '../client-trust.js';
import type { RequestLimits } from '../config.js';
import { decisionTime } from '../decision-time.js';
import { buildEnvoyInput, type EnvoyInput } from '../envoy-input.js';
import { envoyInputRecord } from '../envoy-record.js';
import { clip, EnvoyRequestRejected } from '../envoy-rejection.js';
import { validateEnvoyCheck } from '../validation.js';
import type { CredentialChecks } from '../../credentials/credential-checks.js';
import { takeApiKey } from '../api-key-header.js';
import { readSubject, type CredentialReader } from './credential-readers.js';
import { HttpRequestError } from './errors.js';
import { forwardAuthAnswer, refusalStatus } from './forward-auth-answer.js';
import { readForwardedRequest, type ForwardedRequest, type SubRequest } from './forwarded-request.js';

/** What the forward-auth check needs. */
export interface ForwardAuthCheckDeps {
  engine: Engine;
  limits: RequestLimits;
  logger: Logger;
  /** Entrypoint of HTTP checks: the Envoy one, so that one policy serves every proxy. */
  envoyDecision: string;
  jwt: JwtVerifier | undefined;
  /** The client CAs trusted now: a forwarded certificate they issued is `"mtls"` (in plaintext mode too). */
  trust: ClientTrust | undefined;
  /** Forwarded host (without port) → service, when no `X-Warden-Service` names it. */
  hosts: Readonly<Record<string, string>>;
  /** The credential readers, in order (see CREDENTIAL_READERS). */
  readers: readonly CredentialReader[];
  /** Holds tokens to the credential rules and verifies API keys. */
  credentials: CredentialChecks;
}

/** A forward-auth check's own state: the sub-request, what was read of it, and why it was refused. */
export interface ForwardAuthData {
  sub: SubRequest;
  forwarded?: ForwardedRequest;
  input?: EnvoyInput;
  refusal?: HttpRequestError | EnvoyRequestRejected;
}

/** A refused request's fields go to the logs cut to this many characters. */
const LOGGED_FIELD_LENGTH = 256;

function buildInput(check: Check, deps: ForwardAuthCheckDeps, subject: Identity | undefined): EnvoyInput {
  const data = check.data as ForwardAuthData;
  const { attributes, service } = data.forwarded!;
  data.input = buildEnvoyInput(attributes, check.state.connection.requester, deps.limits, { subject, service });
  return data.input;
}

/**
 * Denies `check` before the policy runs: a request Warden cannot read or a caller it cannot
 * identify is a refusal (answered 400 or 401); anything else is Warden's own failure (answered 403).
 * What could be read of the request is still logged, without a subject.
 */
function refuse(check: Check, deps: ForwardAuthCheckDeps, error: unknown): void {
  const data = check.data as ForwardAuthData;
  const known = error instanceof HttpRequestError || error instanceof EnvoyRequestRejected;
  if (known) data.refusal = error;
  else deps.logger.error({ err: error }, 'forward-auth check failed');
  let inputJson = '{}';
  if (data.forwarded && !data.input) {
    try {
      inputJson = canonicalJson(buildInput(check, deps, undefined));
    } catch {
      // The request itself is the problem: it is logged from its fields (see refusedRecord).
    }
  }
  const revision = deps.engine.revision?.id ?? '';
  const decision = known ? { allow: false, reasons: [`request refused: ${error.message}`] } : failedDecision('error', `forward-auth failed: ${error instanceof Error ? error.message : String(error)}`);
  check.outcome = { decision, revision, cached: false, inputJson };
}

/** The log line of a refused request: a proxy sending what cannot be read is misconfigured (warn); a missing or bad credential is routine (info). */
function reportRefusal(check: Check, refusal: HttpRequestError | EnvoyRequestRejected, deps: ForwardAuthCheckDeps): void {
  const routine = refusal instanceof HttpRequestError && refusal.code !== 'http_bad_request';
  deps.logger[routine ? 'info' : 'warn'](
    { requester: check.state.connection.requester.id, decision_id: check.decisionId, code: refusal instanceof HttpRequestError ? refusal.code : refusal.reason, http_status: refusalStatus(refusal) },
    `forward-auth request refused: ${refusal.message}`,
  );
}

/** The record of a request refused before its input could be built: the fields that can be read safely, cut short. */
function refusedRecord(check: Check, latency: number): DecisionRecord {
  const { sub } = check.data as ForwardAuthData;
  const outcome = check.outcome!;
  const method = sub.headers['x-original-method']?.[0] ?? sub.headers['x-forwarded-method']?.[0] ?? sub.method;
  const path = sub.headers['x-original-uri']?.[0] ?? sub.headers['x-forwarded-uri']?.[0] ?? sub.url;
  return {
    decision_id: check.decisionId!,
    time: decisionTime(),
    api: 'http',
    requester: check.state.connection.requester,
    subject: null,
    action: clip(method, LOGGED_FIELD_LENGTH),
    resource: null,
    source: { ip: clip(sub.headers['x-forwarded-for']?.join(','), LOGGED_FIELD_LENGTH) },
    http: { method: clip(method, LOGGED_FIELD_LENGTH), path: clip(path, LOGGED_FIELD_LENGTH) },
    allowed: false,
    reasons: outcome.decision.reasons,
    revision: outcome.revision,
    cached: false,
    latency,
  };
}

/**
 * The {@link CheckRoute} of a proxy's forward-auth sub-request: the original request is read off
 * the proxy's headers (readForwardedRequest), checked against the Envoy limits, its caller found
 * by the credential readers, and the Envoy-shaped input built (buildEnvoyInput), so it is decided
 * with the Envoy entrypoint by the same stages as every other check.
 */
export function forwardAuthCheck(deps: ForwardAuthCheckDeps): CheckRoute {
  return {
    api: 'http',
    entrypoint: deps.envoyDecision,
    shape: 'envoy',
    identify(check) {
      const data = check.data as ForwardAuthData;
      let subject: Identity | Promise<Identity>;
      try {
        data.forwarded = readForwardedRequest(data.sub, deps.hosts);
        validateEnvoyCheck({ attributes: data.forwarded.attributes }, deps.limits);
        // A key reaches neither the policy input nor the log: the reader takes it from the sub-request's own headers.
        takeApiKey(data.forwarded.attributes.request?.http);
        subject = readSubject(deps.readers, data.sub.headers, { trust: deps.trust, jwt: deps.jwt, credentials: deps.credentials, service: data.forwarded.service });
      } catch (e) {
        return refuse(check, deps, e);
      }
      const build = (s: Identity) => {
        try {
          setCheckInput(check, buildInput(check, deps, s));
        } catch (e) {
          refuse(check, deps, e);
        }
      };
      if (subject instanceof Promise) return subject.then(build, (e: unknown) => refuse(check, deps, e));
      return build(subject);
    },
    answer(check) {
      const { refusal } = check.data as ForwardAuthData;
      if (refusal) reportRefusal(check, refusal, deps);
      return forwardAuthAnswer(check.outcome!.decision, check.decisionId!, refusal);
    },
    record(check, latency) {
      const { input } = check.data as ForwardAuthData;
      if (!input) return refusedRecord(check, latency);
      // A refused request is never logged as allowed, whatever its outcome says.
      return envoyInputRecord('http', input, check.outcome!, check.decisionId!, latency, check.outcome!.decision.allow && !(check.data as ForwardAuthData).refusal);
    },
  };
}
