import { randomUUID } from 'node:crypto';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Decision, DecisionOutcome, Engine } from '../engine/index.js';
import { assertedIdentity, type Identity, type JwtVerifier } from '../identity/index.js';
import type { RequestLimits } from './config.js';
import { buildAuthzInput } from './authz-input.js';
import { elapsedMs, unaryPipeline, type CallState, type PipelineDeps } from './pipeline.js';
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
}

type SubjectResolution = { identity: Identity } | { rejection: string };

async function resolveSubject(req: AuthzCheckRequest, requester: Identity, jwt: JwtVerifier | undefined): Promise<SubjectResolution> {
  const s = req.subject;
  if (s?.spiffe_id !== undefined) return { identity: assertedIdentity(s.spiffe_id) };
  if (s?.token !== undefined) {
    if (!jwt) return { rejection: 'subject token rejected: JWT verification is not configured' };
    const r = await jwt.verify(s.token);
    return r.ok ? { identity: r.identity } : { rejection: `subject token rejected: ${r.reason}` };
  }
  return { identity: requester };
}

/** One check: resolve the subject, build the input, decide, and record the decision for the audit stage. */
async function decideOne(req: AuthzCheckRequest, state: CallState, deps: DecisionServiceDeps): Promise<AuthzCheckResponse> {
  const subject = await resolveSubject(req, state.requester, deps.jwt);
  let outcome: DecisionOutcome;
  let input;
  if ('rejection' in subject) {
    // A bad token is a deny with a reason; the policy is not asked about an unverified subject.
    const decision: Decision = { allow: false, reasons: [subject.rejection], failure: 'error' };
    outcome = { decision, revision: deps.engine.revision?.id ?? '', cached: false };
    input = buildAuthzInput(req, state.requester, { id: '', authenticated_by: 'jwt' }, state.sourceIp, deps.limits.maxDepth);
  } else {
    input = buildAuthzInput(req, state.requester, subject.identity, state.sourceIp, deps.limits.maxDepth);
    outcome = deps.engine.decide(input, deps.decision, 'authz');
  }
  const decisionId = randomUUID();
  const { decision } = outcome;
  state.decisions.push({
    result: decision.failure !== undefined ? 'error' : decision.allow ? 'allow' : 'deny',
    cacheHit: 'rejection' in subject ? undefined : outcome.cached,
    record: {
      decision_id: decisionId,
      time: new Date().toISOString(),
      api: 'authorizer',
      requester: input.requester,
      subject: input.subject,
      action: input.action,
      resource: input.resource,
      context: input.context,
      source: input.source,
      allowed: decision.allow,
      reasons: decision.reasons,
      revision: outcome.revision,
      cached: outcome.cached,
      latency: elapsedMs(state.started),
    },
  });
  return { allowed: decision.allow, reasons: decision.reasons, decision_id: decisionId, policy_revision: outcome.revision, cached: outcome.cached };
}

/**
 * `warden.authz.v1.Authorizer`: `Check` and `CheckBatch` (checks decided in order, results in
 * request order, each with its own decision id and log line).
 */
export function authorizerService(deps: DecisionServiceDeps): UntypedServiceImplementation {
  return {
    Check: unaryPipeline<AuthzCheckRequest, AuthzCheckResponse>(
      deps,
      'authorizer',
      '/warden.authz.v1.Authorizer/Check',
      (req) => validateAuthzCheck(req, deps.limits),
      (req, state) => decideOne(req, state, deps),
    ),
    CheckBatch: unaryPipeline<AuthzCheckBatchRequest, AuthzCheckBatchResponse>(
      deps,
      'authorizer',
      '/warden.authz.v1.Authorizer/CheckBatch',
      (req) => validateAuthzBatch(req, deps.limits),
      async (req, state) => {
        const results: AuthzCheckResponse[] = [];
        for (const check of req.checks ?? []) results.push(await decideOne(check, state, deps));
        return { results };
      },
    ),
  };
}
