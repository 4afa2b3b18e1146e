import type { Decision } from '../engine/index.js';
import type { EnvoyCheckResponse, EnvoyHeaderValueOption } from './request-types.js';

/** gRPC codes Envoy reads from `CheckResponse.status`. */
const OK = 0;
const PERMISSION_DENIED = 7;

/** The header every Envoy answer carries, naming the decision in the decision log. */
export const DECISION_ID_HEADER = 'x-warden-decision-id';

function headerOptions(headers: Record<string, string | string[]> | undefined): EnvoyHeaderValueOption[] {
  const out: EnvoyHeaderValueOption[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      // The first value replaces; further values of one name append, as OPA-Envoy does.
      out.push(i === 0 ? { header: { key, value: v } } : { header: { key, value: v }, append: { value: true } });
    });
  }
  return out;
}

/**
 * Envoy's `CheckResponse` for a decision. Allowed: status 0 and `ok_response` adding
 * `x-warden-decision-id` (plus any headers the policy set). Denied: status 7 (PERMISSION_DENIED)
 * and `denied_response` with HTTP 403 (or the policy's `http_status`) and the reasons, one per
 * line, as the body (or the policy's `body`).
 *
 * @example
 * envoyResponse({ allow: false, reasons: ['not allowed'] }, 'f1c…')
 * // → { status: { code: 7, message: 'not allowed' }, denied_response: { status: { code: 403 }, headers: [...], body: 'not allowed\n' } }
 */
export function envoyResponse(decision: Decision, decisionId: string): EnvoyCheckResponse {
  const idHeader: EnvoyHeaderValueOption = { header: { key: DECISION_ID_HEADER, value: decisionId } };
  const envoy = decision.envoy ?? {};
  if (decision.allow) {
    const ok: NonNullable<EnvoyCheckResponse['ok_response']> = { headers: [idHeader, ...headerOptions(envoy.headers)] };
    if (envoy.request_headers_to_remove?.length) ok.headers_to_remove = envoy.request_headers_to_remove;
    if (envoy.response_headers_to_add) ok.response_headers_to_add = headerOptions(envoy.response_headers_to_add);
    return { status: { code: OK }, ok_response: ok };
  }
  const body = envoy.body ?? (decision.reasons.length > 0 ? decision.reasons.join('\n') + '\n' : '');
  const headers = [idHeader, ...headerOptions(envoy.headers)];
  if (envoy.body === undefined && !headers.some((h) => h.header.key.toLowerCase() === 'content-type')) {
    headers.push({ header: { key: 'content-type', value: 'text/plain; charset=utf-8' } });
  }
  return {
    status: { code: PERMISSION_DENIED, message: decision.reasons.join('; ') },
    denied_response: { status: { code: envoy.http_status ?? 403 }, headers, body },
  };
}
