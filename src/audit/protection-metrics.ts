import { Counter, Gauge, type Registry } from 'prom-client';
import { tallyCounter } from './tally-counter.js';

/** Alert kinds, the label of `warden_alerts_total`. */
export type AlertKind = 'new_edge' | 'deny_burst' | 'rate_spike' | 'identity_spread' | 'ban' | 'credential_expiring' | 'shared_state_unavailable';
const ALERT_KINDS: readonly AlertKind[] = ['new_edge', 'deny_burst', 'rate_spike', 'identity_spread', 'ban', 'credential_expiring', 'shared_state_unavailable'];

/**
 * The countermeasures' metrics: `warden_rate_limited_total{limit}`, `warden_denied_address_total`,
 * `warden_bans_active{by}`, `warden_alerts_total{kind}`, `warden_alert_webhook_failures_total`,
 * `warden_protection_evictions_total`, and for state shared in Redis `warden_shared_state_fallbacks_total`
 * and `warden_shared_state_up` (absent without Redis).
 */
export class ProtectionMetrics {
  readonly rateLimited: Counter<'limit'>;
  readonly deniedAddress: Counter;
  readonly bansActive: Gauge<'by'>;
  readonly alerts: Counter<'kind'>;
  readonly webhookFailures: Counter;
  readonly evictions: Counter;
  readonly sharedStateFallbacks: Counter;
  /** Registered once shared state is configured (see `watchSharedState`): without Redis there is nothing to be up. */
  private sharedStateUp: Gauge | undefined;
  private readEvictions: () => number = () => 0;
  private countedEvictions = 0;
  private readBans: () => Record<'source_ip' | 'subject', number> = () => ({ source_ip: 0, subject: 0 });

  constructor(private readonly registry: Registry) {
    const registers = [registry];
    this.rateLimited = new Counter({ name: 'warden_rate_limited_total', help: 'Checks denied by a rate limit, by limit (a policy-asked limit by its name too).', labelNames: ['limit'], registers });
    this.deniedAddress = new Counter({ name: 'warden_denied_address_total', help: 'Checks denied because their source address is on the deny list.', registers });
    const read = () => this.readBans();
    this.bansActive = new Gauge({
      name: 'warden_bans_active',
      help: 'Automatic bans in force, by what they ban (source_ip or subject).',
      labelNames: ['by'],
      registers,
      collect() {
        const bans = read();
        this.set({ by: 'source_ip' }, bans.source_ip);
        this.set({ by: 'subject' }, bans.subject);
      },
    });
    this.alerts = new Counter({ name: 'warden_alerts_total', help: 'Unusual-activity alerts raised, by kind.', labelNames: ['kind'], registers });
    for (const kind of ALERT_KINDS) this.alerts.inc({ kind }, 0);
    this.webhookFailures = new Counter({ name: 'warden_alert_webhook_failures_total', help: 'Failed deliveries of alerts to the Alertmanager webhook (each attempt).', registers });
    this.sharedStateFallbacks = new Counter({
      name: 'warden_shared_state_fallbacks_total',
      help: 'Countermeasure steps answered from local state because Redis did not answer within the budget, failed, or was down.',
      registers,
    });
    const evictions = () => {
      const total = this.readEvictions();
      const grown = Math.max(0, total - this.countedEvictions);
      this.countedEvictions = total;
      return grown;
    };
    this.evictions = tallyCounter(
      'warden_protection_evictions_total',
      'Keys the countermeasures forgot to stay within their bounds (least recently used first): many mean many distinct callers or addresses.',
      registry,
      evictions,
    );
  }

  /** Reads the store's running total of evictions at each scrape. */
  watchEvictions(read: () => number): void {
    this.readEvictions = read;
    this.countedEvictions = read();
  }

  /** Reads whether shared state is in use at each scrape (`warden_shared_state_up`). */
  watchSharedState(read: () => boolean): void {
    if (this.sharedStateUp) this.registry.removeSingleMetric('warden_shared_state_up');
    this.sharedStateUp = new Gauge({
      name: 'warden_shared_state_up',
      help: 'Whether the countermeasures share their state in Redis now (1), or fall back to local state (0).',
      registers: [this.registry],
      collect() {
        this.set(read() ? 1 : 0);
      },
    });
  }

  /** Reads the bans in force at each scrape. */
  watchBans(read: () => Record<'source_ip' | 'subject', number>): void {
    this.readBans = read;
  }
}
