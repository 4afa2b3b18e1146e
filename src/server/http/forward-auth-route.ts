import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DecisionSink, WardenMetrics } from '../../audit/index.js';
import type { CheckPipeline } from '../check-route/check-pipeline.js';
import type { Check } from '../check-route/check.js';
import type { CallState } from '../pipeline.js';
import { elapsedMs } from '../pipeline.js';
import { logHttpDecisions } from './http-decisions.js';
import { forwardAuthCheck, type ForwardAuthCheckDeps, type ForwardAuthData } from './forward-auth-check.js';
import { FORWARD_AUTH_PATH } from './forwarded-request.js';
import { sendAnswer, type HttpAnswer, type HttpRoute } from './http-route.js';
import { DECISION_ID_HEADER } from '../envoy-response.js';

/** What the forward-auth route needs besides the check's own dependencies. */
export interface ForwardAuthRouteDeps extends ForwardAuthCheckDeps {
  pipeline: CheckPipeline;
  decisionLog: DecisionSink;
  metrics: WardenMetrics;
  logger: Logger;
  /** Longest a decision may take before the proxy is answered 403 anyway (`limits.requestTimeoutMs`). */
  decisionTimeoutMs: number;
}

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
  return {
    name: 'forward-auth',
    path: FORWARD_AUTH_PATH,
    subpaths: true,
    handle(req, res, ctx) {
      const state: CallState = { api: 'http', method: `${req.method} ${FORWARD_AUTH_PATH}`, started: ctx.started, connection: ctx.connection, decisions: [] };
      const data: ForwardAuthData = { sub: { method: req.method ?? '', url: req.url ?? '', headers: req.headersDistinct } };
      const check: Check = { state, route, data };
      let timedOut = false;
      const fail = (reason: string, err?: unknown): void => {
        const decisionId = check.decisionId ?? randomUUID();
        deps.logger.error({ requester: ctx.connection.requester.id, decision_id: decisionId, err }, `forward-auth answered 403: ${reason}`);
        if (!timedOut && state.decisions.length === 0) deps.metrics.recordDecision('http', 'error', elapsedMs(ctx.started) / 1000);
        sendAnswer(res, failureAnswer(decisionId));
      };
      const finish = (): void => {
        sendAnswer(res, check.response as HttpAnswer);
        logHttpDecisions(state, deps, timedOut ? { afterMs: deps.decisionTimeoutMs, answeredWith: 403 } : undefined);
      };
      let done: unknown;
      try {
        done = deps.pipeline.run(check);
      } catch (e) {
        return fail(`no decision: ${(e as Error).message}`, e);
      }
      if (!(done instanceof Promise)) return finish();
      const timer = setTimeout(() => {
        timedOut = true;
        fail(`no decision within ${deps.decisionTimeoutMs} ms`);
      }, deps.decisionTimeoutMs);
      return done.then(
        () => {
          clearTimeout(timer);
          finish();
        },
        (e: unknown) => {
          clearTimeout(timer);
          fail(`no decision: ${(e as Error)?.message ?? String(e)}`, e);
        },
      );
    },
  };
}
