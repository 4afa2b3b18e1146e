import { Counter, type Registry } from 'prom-client';

/** Kind label of `warden_shadow_disagreements_total`. */
export type DisagreementKind = 'allow_to_deny' | 'deny_to_allow' | 'reasons' | 'error';

export const DISAGREEMENT_KINDS: readonly DisagreementKind[] = ['allow_to_deny', 'deny_to_allow', 'reasons', 'error'];

/**
 * The shadow's counters: `warden_shadow_evaluations_total`, `warden_shadow_disagreements_total{kind}`,
 * `warden_shadow_dropped_total` (queue full), `warden_shadow_log_suppressed_total` (log lines over the rate limit)
 * and `warden_shadow_reload_failures_total` (a changed candidate that did not load; the last good one kept).
 */
export class ShadowMetrics {
  readonly evaluations: Counter;
  readonly disagreements: Counter<'kind'>;
  readonly dropped: Counter;
  readonly logSuppressed: Counter;
  readonly reloadFailures: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.evaluations = new Counter({ name: 'warden_shadow_evaluations_total', help: 'Live decisions the shadow revision evaluated too.', registers });
    this.disagreements = new Counter({ name: 'warden_shadow_disagreements_total', help: 'Shadow evaluations that disagreed with the live decision, by kind.', labelNames: ['kind'], registers });
    // Every series exists (at 0) from the first scrape.
    for (const kind of DISAGREEMENT_KINDS) this.disagreements.inc({ kind }, 0);
    this.dropped = new Counter({ name: 'warden_shadow_dropped_total', help: 'Live decisions not shadowed because the shadow queue was full.', registers });
    this.reloadFailures = new Counter({ name: 'warden_shadow_reload_failures_total', help: 'Shadow candidate reloads that failed; the last good candidate kept evaluating.', registers });
    this.logSuppressed = new Counter({ name: 'warden_shadow_log_suppressed_total', help: 'Shadow disagreements counted but not logged (over the log rate limit).', registers });
  }
}
