import type { Check } from '../check-route/check.js';
import type { CallState } from '../pipeline.js';
import { answerCheck, type FailureAnswer, type HttpCheckDeps } from './answer-check.js';
import { forwardAuthCheck, type ForwardAuthCheckDeps, type ForwardAuthData } from './forward-auth-check.js';
import { FORWARD_AUTH_PATH } from './forwarded-request.js';
import type { HttpAnswer, HttpRoute } from './http-route.js';
import { DECISION_ID_HEADER } from '../envoy-response.js';

/** What the forward-auth route needs: the check's own dependencies, and the pipeline's (a decision not made within `decisionTimeoutMs` is a 403). */
export interface ForwardAuthRouteDeps extends ForwardAuthCheckDeps, HttpCheckDeps {}

/** The answer when no decision could be made in time or at all: a deny naming the id the ops log has. */
function failureAnswer(decisionId: string): HttpAnswer {
  return { status: 403, headers: { [DECISION_ID_HEADER]: decisionId, 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify({ decision_id: decisionId, allowed: false }) };
}

/**
 * `ANY /authz` and `ANY /authz/<path>`: a proxy's forward-auth sub-request (nginx `auth_request`,
 * Caddy `forward_auth`, Traefik `ForwardAuth`, Envoy's HTTP ext_authz), decided through the
 * {@link CheckPipeline} like every gRPC check and answered by forwardAuthAnswer. Fail closed: a
 * pipeline that throws (no revision loaded) or takes longer than `decisionTimeoutMs` is answered
 * 403, with the reason in the operational log. The request's body is not read.
 */
export function forwardAuthRoute(deps: ForwardAuthRouteDeps): HttpRoute {
  const route = forwardAuthCheck(deps);
  const failure: FailureAnswer = { route: 'forward-auth', status: 403, answer: (_reason, decisionId) => failureAnswer(decisionId) };
  return {
    name: 'forward-auth',
    path: FORWARD_AUTH_PATH,
    subpaths: true,
    handle(req, res, ctx) {
      const state: CallState = { api: 'http', method: `${req.method} ${FORWARD_AUTH_PATH}`, started: ctx.started, connection: ctx.connection, decisions: [] };
      const data: ForwardAuthData = { sub: { method: req.method ?? '', url: req.url ?? '', headers: req.headersDistinct } };
      const check: Check = { state, route, data };
      return answerCheck(check, res, deps, failure);
    },
  };
}
