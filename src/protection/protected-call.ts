import type { Decision, RefusalKind } from '../engine/decision.js';

/** What the countermeasures know of a check before the policy runs. */
export interface ProtectedCall {
  /** The subject the check is about (verified, asserted by a trusted requester, or the requester itself). */
  subject: string;
  /** The verified caller (the connection's SPIFFE ID). */
  requester: string;
  /** The source address (Envoy's `attributes.source.address`, else the connection's peer). */
  address: string;
  /** The service called (`resource.service`; for Envoy checks, the destination). */
  service: string;
  /** The action (`action`; for Envoy checks, the HTTP method). */
  action: string;
}

/** Which part of a call a limit or a ban counts by. */
export type CallKey = 'subject' | 'requester' | 'source_ip' | 'route';

/** The value of `by` for `call` (a route is subject, service and action together). */
export function callKey(call: ProtectedCall, by: CallKey): string {
  switch (by) {
    case 'subject':
      return call.subject;
    case 'requester':
      return call.requester;
    case 'source_ip':
      return call.address;
    case 'route':
      return `${call.subject}\u0000${call.service}\u0000${call.action}`;
  }
}

/** The deny a refusal makes: its reason first, never cached, with when to retry. */
export function refusalDecision(refusal: Refusal): Decision {
  return { allow: false, reasons: [refusal.reason], refusedBy: refusal.kind, ...(refusal.retryAfterMs !== undefined ? { retryAfterMs: refusal.retryAfterMs } : {}) };
}

/** A call turned away before the policy ran, and why. */
export interface Refusal {
  kind: RefusalKind;
  /** The reason given to the caller and logged: starts `address denied:`, `banned:` or `rate limited:`. */
  reason: string;
  /** When a retry may succeed, for rate limits and bans. */
  retryAfterMs?: number;
  /** The rate limit that was spent. */
  limit?: string;
}
