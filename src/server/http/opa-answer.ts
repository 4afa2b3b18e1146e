import type { DecisionOutcome } from '../../engine/index.js';
import { stringifyJsonExact } from '../../engine/exact-json.js';
import { retryAfterSeconds } from '../envoy-response.js';
import { OpaApiError } from './errors.js';
import type { HttpAnswer } from './http-route.js';
import type { OpaQueryOptions } from './opa-request.js';

/** What an answer to a data API request says besides its decision. */
export interface OpaAnswerContext extends OpaQueryOptions {
  /** `performance.now()` when the request's headers were read. */
  started: number;
  /** Time spent parsing the input, in ns. */
  parseNs: number;
  /** The document asked for, slash-separated. */
  document: string;
  /** `POST /`: the bare result, and 404 when it is undefined (OPA's default decision). */
  bare: boolean;
  /** Warden's version, for `?provenance`. */
  version: string;
}

/** A JSON answer, indented when `pretty`; numbers kept as their digits stay exact (see parseJsonExact). */
export function opaJson(status: number, body: unknown, pretty = false, headers: Record<string, string> = {}): HttpAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: pretty ? `${stringifyJsonExact(body, 2)}\n` : stringifyJsonExact(body),
  };
}

/** An error in OPA's shape: `{"code": …, "message": …}`, with the decision id when there was a decision. */
export function opaErrorAnswer(error: OpaApiError, options: { pretty?: boolean; decisionId?: string; headers?: Record<string, string> } = {}): HttpAnswer {
  const body = { code: error.code, message: error.message, ...(options.decisionId !== undefined ? { decision_id: options.decisionId } : {}) };
  return opaJson(error.status, body, options.pretty ?? false, options.headers);
}

/** `warden/authz/decision` as OPA names the document: `data.warden.authz.decision`. */
export function dataReference(document: string): string {
  return document === '' ? 'data' : `data.${document.split('/').join('.')}`;
}

/** The timers OPA's `?metrics` reports that Warden measures as OPA means them, and whether the cache answered. */
function metricsOf(context: OpaAnswerContext, cacheHit: boolean | undefined): Record<string, number> {
  return {
    counter_server_query_cache_hit: cacheHit === true ? 1 : 0,
    timer_rego_input_parse_ns: context.parseNs,
    timer_server_handler_ns: Math.round((performance.now() - context.started) * 1e6),
  };
}

/**
 * The answer to a data API request's decision: 200 `{"result": …, "decision_id": …}` (no `result`
 * when the document is undefined; `POST /` answers the bare result, 404 when undefined); a call
 * turned away before the policy 403 or 429 `unauthorized`; a decision that failed (an evaluation
 * error, a timeout, no revision) 500 `internal_error` — never a result (fail closed).
 *
 * @example
 * opaDecisionAnswer(outcome, decisionId, false, { pretty: false, metrics: false, provenance: false, started, parseNs: 0, document: 'authz/allow', bare: false, version: '0.1.0' })
 */
export function opaDecisionAnswer(outcome: DecisionOutcome, decisionId: string, cacheHit: boolean | undefined, context: OpaAnswerContext): HttpAnswer {
  const { decision } = outcome;
  const answered = Object.hasOwn(decision, 'result');
  if (answered || decision.failure === 'undefined') {
    if (context.bare) {
      if (!answered) return opaErrorAnswer(new OpaApiError('undefined_document', 404, `document missing: ${dataReference(context.document)}`), { pretty: context.pretty, decisionId });
      return opaJson(200, decision.result, context.pretty);
    }
    const body: Record<string, unknown> = answered ? { result: decision.result, decision_id: decisionId } : { decision_id: decisionId };
    if (context.metrics) body.metrics = metricsOf(context, cacheHit);
    if (context.provenance) body.provenance = { version: context.version, revision: outcome.revision };
    return opaJson(200, body, context.pretty);
  }
  const reason = decision.reasons.join('; ') || 'denied';
  if (decision.refusedBy !== undefined) {
    const headers: Record<string, string> = decision.retryAfterMs !== undefined ? { 'retry-after': retryAfterSeconds(decision.retryAfterMs) } : {};
    const status = decision.refusedBy === 'rate_limit' ? 429 : 403;
    return opaErrorAnswer(new OpaApiError('unauthorized', status, reason), { pretty: context.pretty, decisionId, headers });
  }
  if (decision.failure !== undefined) return opaErrorAnswer(new OpaApiError('internal_error', 500, reason), { pretty: context.pretty, decisionId });
  // Denied before the policy was asked, by a credential rule (the caller's certificate).
  return opaErrorAnswer(new OpaApiError('unauthorized', 403, reason), { pretty: context.pretty, decisionId });
}
