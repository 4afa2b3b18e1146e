/** How an identity in the policy input was established. */
export type AuthenticatedBy = 'mtls' | 'jwt' | 'requester' | 'api_key';

/** The parts of a SPIFFE ID (`spiffe://<trust-domain>/<path>`). */
export interface SpiffeId {
  /** The whole ID, as given. */
  id: string;
  trust_domain: string;
  /** Set only for Kubernetes-style paths `/ns/<namespace>/sa/<service-account>`. */
  namespace?: string;
  service_account?: string;
}

/**
 * An authenticated (or asserted) party, as policies see it in `input.requester` and `input.subject`.
 * Fields that cannot be known are absent rather than empty.
 */
export interface Identity {
  id: string;
  trust_domain?: string;
  namespace?: string;
  service_account?: string;
  authenticated_by: AuthenticatedBy;
  /** The verified JWT claims, for `authenticated_by: "jwt"` only. */
  claims?: Record<string, unknown>;
  /** The id of the API key presented (never its secret), for `authenticated_by: "api_key"` only. */
  key_id?: string;
}
