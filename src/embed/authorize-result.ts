import { randomUUID } from 'node:crypto';

/** What `authorize` answers: the fields of a `warden.authz.v1` `CheckResponse`. */
export interface AuthorizeResult {
  allowed: boolean;
  /** Why: the policy's reasons, or what failed (every failure is a deny). */
  reasons: string[];
  /** The decision's id, as written to the decision log (and sent back as `x-warden-decision-id`). */
  decision_id: string;
  /** True when answered from the decision cache. */
  cached: boolean;
  /** The policy revision that decided (`""` when none did). */
  policy_revision: string;
}

/** A result that may still be coming: a value when nothing had to wait, else a promise of one. */
export type MaybeResult = AuthorizeResult | Promise<AuthorizeResult>;

/** A deny made without a policy decision (fail closed), with a fresh id. */
export function failedResult(reason: string, revision = ''): AuthorizeResult {
  return { allowed: false, reasons: [reason], decision_id: randomUUID(), cached: false, policy_revision: revision };
}

/** The text of anything thrown, for a reason. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
