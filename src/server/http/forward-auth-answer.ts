import type { Decision } from '../../engine/index.js';
import { EnvoyRequestRejected } from '../envoy-rejection.js';
import { DECISION_ID_HEADER, retryAfterSeconds } from '../envoy-response.js';
import { HttpRequestError } from './errors.js';
import type { HttpAnswer } from './http-route.js';


/** A header name a policy may set (an RFC 9110 token) and a value with no line breaks or NUL. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[^\r\n\0]*$/;
/** Headers the answer itself owns: a policy's header of one of these names is dropped. */
const OWN_HEADERS = new Set([DECISION_ID_HEADER, 'content-type', 'content-length', 'cache-control', 'retry-after', 'connection', 'transfer-encoding']);

/** The policy's headers for an allowed request that can be sent as they are (proxies copy them upstream). */
function policyHeaders(decision: Decision): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(decision.envoy?.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (!TOKEN.test(name) || OWN_HEADERS.has(name.toLowerCase()) || !values.every((v) => typeof v === 'string' && FIELD_VALUE.test(v))) continue;
    out[name.toLowerCase()] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/** The status of a request refused before the policy: no or a bad credential 401, an unreadable request 400 (or its limit's 4xx). */
export function refusalStatus(refusal: HttpRequestError | EnvoyRequestRejected): number {
  if (refusal instanceof EnvoyRequestRejected) return refusal.httpStatus;
  return refusal.code === 'http_bad_request' ? 400 : 401;
}

/**
 * The answer to a forward-auth sub-request: 200 when allowed (with the policy's `headers`, which a
 * proxy may copy to the upstream request); 401 with no credential or a bad one, 400 (or 413, 414,
 * 431) for a request that cannot be read — `refusal`; 429 with `Retry-After` when rate limited;
 * 403 for every other deny, a failure included. Every answer carries `x-warden-decision-id` and
 * the body `{"decision_id": …, "allowed": …}`; reasons stay in the decision log.
 *
 * @example
 * forwardAuthAnswer({ allow: false, reasons: ['no grant'] }, 'f1c…') // → { status: 403, headers: {…}, body: '{"decision_id":"f1c…","allowed":false}' }
 */
export function forwardAuthAnswer(decision: Decision, decisionId: string, refusal?: HttpRequestError | EnvoyRequestRejected): HttpAnswer {
  const allowed = decision.allow && refusal === undefined;
  const headers: Record<string, string | string[]> = allowed ? policyHeaders(decision) : {};
  headers[DECISION_ID_HEADER] = decisionId;
  headers['content-type'] = 'application/json';
  headers['cache-control'] = 'no-store';
  let status = 200;
  if (refusal) status = refusalStatus(refusal);
  else if (decision.refusedBy === 'rate_limit') {
    status = 429;
    if (decision.retryAfterMs !== undefined) headers['retry-after'] = retryAfterSeconds(decision.retryAfterMs);
  } else if (!allowed) status = 403;
  return { status, headers, body: JSON.stringify({ decision_id: decisionId, allowed }) };
}
