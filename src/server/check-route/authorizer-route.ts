import { recordJsonWith } from '../../audit/index.js';
import type { CredentialChecks, SubjectVerdict } from '../../credentials/credential-checks.js';
import type { Engine } from '../../engine/index.js';
import type { Identity, JwtVerifier } from '../../identity/index.js';
import { authzInput } from '../authz-input.js';
import { assertedOrRequester } from '../authz-decide.js';
import { answerParts, cachedAnswerParts, checkAnswer, type AnswerParts, type EncodeCheckResponse } from '../check-answer.js';
import type { RequestLimits } from '../config.js';
import { requestKey } from '../connection-identity.js';
import { decisionTime } from '../decision-time.js';
import type { RawRequest } from '../protos.js';
import type { AuthzCheckRequest } from '../request-types.js';
import { validateAuthzCheck } from '../validation.js';
import type { Check, CheckRoute, StageStep } from './check.js';

/** What the Authorizer's route needs. */
export interface AuthorizerRouteDeps {
  engine: Engine;
  jwt: JwtVerifier | undefined;
  /** Verifies subject tokens and API keys, and holds them to the credential rules. */
  credentials: CredentialChecks;
  limits: RequestLimits;
  /** Entrypoint of authorizer checks. */
  decision: string;
  /** The service's `CheckResponse` serializer: given it, cached decisions are answered as bytes encoded once. */
  encodeCheckResponse?: EncodeCheckResponse;
}

/** An Authorizer check's own state: its request (as bytes, or decoded) and its answer's parts. */
export interface AuthorizerCheckData {
  raw?: RawRequest<AuthzCheckRequest>;
  /** The decoded, validated request. */
  req?: AuthzCheckRequest;
  parts?: AnswerParts;
}

/** Builds the input of `req` for `subject` into the check: canonical, its JSON is cache key, policy input and log text. */
function buildInput(req: AuthzCheckRequest, subject: Identity, check: Check, deps: AuthorizerRouteDeps): string {
  const input = authzInput(req, check.state.connection, subject, deps.limits.maxDepth);
  check.inputJson = input.json;
  check.inputValue = input.value;
  return input.json;
}

/** The subject of a verified credential, or a deny saying why (the policy is not asked about an unverified subject). */
function settleSubject(check: Check, req: AuthzCheckRequest, verdict: SubjectVerdict, refusedAs: Identity['authenticated_by'], deps: AuthorizerRouteDeps): void {
  if (verdict.ok) {
    buildInput(req, verdict.identity, check, deps);
    return;
  }
  // The log shows the input without a subject.
  const inputJson = buildInput(req, { id: '', authenticated_by: refusedAs }, check, deps);
  check.outcome = { decision: { allow: false, reasons: [verdict.reason], failure: 'error' }, revision: deps.engine.revision?.id ?? '', cached: false, inputJson };
}

/**
 * A subject credential (a token, an API key) is verified on every call: it may expire or be
 * revoked at any moment, so its decisions are never recalled by the request's bytes.
 */
function verifyCredential(check: Check, req: AuthzCheckRequest, deps: AuthorizerRouteDeps): StageStep {
  check.requestKey = undefined;
  const { token, api_key: apiKey } = req.subject!;
  if (apiKey !== undefined) return settleSubject(check, req, deps.credentials.apiKey(apiKey, req.resource?.service ?? ''), 'api_key', deps);
  return deps.credentials.token(deps.jwt, token!).then((verdict) => settleSubject(check, req, verdict, 'jwt', deps));
}

/** Whether `req` names its subject with a credential Warden verifies (a token, an API key). */
function carriesCredential(req: AuthzCheckRequest): boolean {
  return req.subject?.token !== undefined || req.subject?.api_key !== undefined;
}

/**
 * The route of `warden.authz.v1.Authorizer` checks: a `Check` (answered as bytes when `asBytes`
 * and the service can encode them) or one check of a `CheckBatch` (answered as an object).
 */
export function authorizerRoute(deps: AuthorizerRouteDeps, asBytes: boolean): CheckRoute {
  const encode = asBytes ? deps.encodeCheckResponse : undefined;
  return {
    api: 'authorizer',
    entrypoint: deps.decision,
    shape: 'authz',
    identify(check, full) {
      const data = check.data as AuthorizerCheckData;
      if (!full) {
        check.requestKey = requestKey(check.state.connection, check.bytes!);
        return undefined;
      }
      if (check.inputJson !== undefined) return undefined;
      let req = data.req;
      if (!req) {
        req = data.raw!.message();
        validateAuthzCheck(req, deps.limits);
        data.req = req;
      }
      if (carriesCredential(req)) return verifyCredential(check, req, deps);
      buildInput(req, assertedOrRequester(req, check.state.connection.requester), check, deps);
      return undefined;
    },
    peekCall(check) {
      const data = check.data as AuthorizerCheckData;
      if (!data.req) {
        const req = data.raw!.message();
        validateAuthzCheck(req, deps.limits);
        data.req = req;
      }
      const { req } = data;
      if (carriesCredential(req)) return undefined;
      const { connection } = check.state;
      return {
        subject: assertedOrRequester(req, connection.requester).id,
        requester: connection.requester.id,
        address: connection.sourceIp,
        service: req.resource?.service ?? '',
        action: req.action ?? '',
      };
    },
    answer(check) {
      const data = check.data as AuthorizerCheckData;
      const outcome = check.outcome!;
      // Fresh decisions are answered once: encoding them here would only move grpc-js's work.
      const parts = check.parts ?? (outcome.cached ? cachedAnswerParts(outcome, encode) : answerParts(outcome));
      data.parts = parts;
      return checkAnswer(parts, check.decisionId!, asBytes);
    },
    record(check, latency) {
      const { parts } = check.data as AuthorizerCheckData;
      return recordJsonWith({ decision_id: check.decisionId!, time: decisionTime(), api: 'authorizer', latency }, parts!.logTail);
    },
  };
}
