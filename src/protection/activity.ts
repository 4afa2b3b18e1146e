import type { RefusalKind } from '../engine/decision.js';

/** One answered check, as the countermeasures that watch traffic see it. */
export interface ActivityEvent {
  /** Milliseconds since the epoch (the clock the countermeasures were given). */
  atMs: number;
  /** The subject the check was about (`input.subject.id`; for Envoy checks, the verified caller). */
  subject: string;
  /** The verified caller of the check (the connection's SPIFFE ID). */
  requester: string;
  /** The service called (`resource.service` or, for Envoy checks, the destination's principal or host). */
  service: string;
  /** The source address of the call (Envoy's `attributes.source.address`, else the connection's peer). */
  address: string;
  allowed: boolean;
  /** Why it was denied, when it was: `policy`, `rate_limit`, `address`, `ban` or `error`. */
  deniedBy?: 'policy' | 'error' | RefusalKind;
}
