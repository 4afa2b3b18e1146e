import type { Decision } from '../engine/index.js';
import type { EnvoyCheckResponse, EnvoyHeaderValueOption } from './request-types.js';

/** gRPC codes Envoy reads from `CheckResponse.status`. */
const OK = 0;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;

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

/** HTTP's `Retry-After` for a wait of `ms`: whole seconds, and a wait under one second is still "retry in 1". */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** How a denial is worded (see `EnvoyOptions` in config.ts). */
export interface EnvoyResponseOptions {
  /** Reasons in the body and `status.message` (default false: a generic text naming the decision id). */
  exposeReasons?: boolean;
}

/** What a denied downstream client reads when the reasons are not exposed. */
export function genericDenial(decisionId: string): string {
  return `access denied (decision ${decisionId})`;
}

/**
 * Envoy's `CheckResponse` for a decision. Allowed: status 0 and `ok_response` adding
 * `x-warden-decision-id` (plus any headers the policy set). Denied: status 7 (PERMISSION_DENIED)
 * and `denied_response` with HTTP 403 (or the policy's `http_status`), `x-warden-decision-id`, and
 * the policy's `body` if it set one, else a generic text/plain body naming the decision id; the
 * reasons (which may name internal identities and policy wording) stay in the decision log. With
 * `exposeReasons` the body is the reasons, one per line. `status.message`, which Envoy may log or
 * forward, follows the same choice: the generic text, or the reasons joined by `; `.
 *
 * @example
 * envoyResponse({ allow: false, reasons: ['not allowed'] }, 'f1c…')
 * // → { status: { code: 7, message: 'access denied (decision f1c…)' },
 * //     denied_response: { status: { code: 403 }, headers: [...], body: 'access denied (decision f1c…)\n' } }
 */
export function envoyResponse(decision: Decision, decisionId: string, options: EnvoyResponseOptions = {}): EnvoyCheckResponse {
  const idHeader: EnvoyHeaderValueOption = { header: { key: DECISION_ID_HEADER, value: decisionId } };
  const envoy = decision.envoy ?? {};
  if (decision.allow) {
    const ok: NonNullable<EnvoyCheckResponse['ok_response']> = { headers: [idHeader, ...headerOptions(envoy.headers)] };
    if (envoy.request_headers_to_remove?.length) ok.headers_to_remove = envoy.request_headers_to_remove;
    if (envoy.response_headers_to_add) ok.response_headers_to_add = headerOptions(envoy.response_headers_to_add);
    return { status: { code: OK }, ok_response: ok };
  }
  // Only `true` exposes: a config file saying "yes" or 1 keeps the reasons private.
  const expose = options.exposeReasons === true;
  const generic = genericDenial(decisionId);
  const limited = decision.refusedBy === 'rate_limit';
  const ownBody = expose ? (decision.reasons.length > 0 ? decision.reasons.join('\n') + '\n' : '') : `${generic}\n`;
  const body = envoy.body ?? ownBody;
  const headers = [idHeader, ...headerOptions(envoy.headers)];
  if (envoy.body === undefined && !headers.some((h) => h.header.key.toLowerCase() === 'content-type')) {
    headers.push({ header: { key: 'content-type', value: 'text/plain; charset=utf-8' } });
  }
  if (limited && decision.retryAfterMs !== undefined) headers.push({ header: { key: 'retry-after', value: retryAfterSeconds(decision.retryAfterMs) } });
  return {
    status: { code: limited ? RESOURCE_EXHAUSTED : PERMISSION_DENIED, message: expose ? decision.reasons.join('; ') : generic },
    denied_response: { status: { code: limited ? 429 : (envoy.http_status ?? 403) }, headers, body },
  };
}
