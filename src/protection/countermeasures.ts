import type { Logger } from 'pino';
import type { ProtectionMetrics } from '../audit/protection-metrics.js';
import { ActivityMonitor } from './alerts/activity-monitor.js';
import { banAlert, makeAlert, type Alert, type AlertInput } from './alerts/alert.js';
import { FallbackStore } from './fallback-store.js';
import { LocalPreChecks } from './local-pre-checks.js';
import { MemoryStore } from './memory-store.js';
import { printableRedisUrl, type RedisSettings } from './redis-config.js';
import { RedisStore } from './redis-store.js';
import { Protection } from './protection.js';
import type { ProtectionConfig } from './protection-config.js';
import type { ProtectionStore } from './store.js';

export interface CountermeasuresOptions {
  logger: Logger;
  metrics?: ProtectionMetrics;
  /** Where counts are kept (default: in Redis when `redis` is set, else in memory, bounded). */
  store?: ProtectionStore;
  /** Share the state with other replicas in Redis, falling back to local state when it does not answer. */
  redis?: RedisSettings;
  now?: () => number;
  /** How often `ipDenyFile` is looked at (default 1000 ms). */
  denyFilePollMs?: number;
}

/** Alerts remembered for the console's protection page. */
export const RECENT_ALERTS = 100;

/**
 * Every countermeasure of one server, wired together: the checks before the policy (`protection`),
 * the alerts on what passes (an `ActivityMonitor` while `alerts:` is configured), bans raised as
 * alerts, and all of it counted in the metrics and logged. One store holds the state of all.
 */
export class Countermeasures {
  readonly protection: Protection;
  private monitor: ActivityMonitor | undefined;
  private readonly store: ProtectionStore;
  private readonly shared: FallbackStore | undefined;

  /** @throws ProtectionError when the deny list is not usable */
  constructor(
    config: ProtectionConfig,
    private readonly options: CountermeasuresOptions,
  ) {
    const { logger, metrics } = options;
    this.shared = options.store === undefined && options.redis ? this.sharedStore(options.redis) : undefined;
    this.store = options.store ?? this.shared ?? new MemoryStore();
    this.protection = new Protection(config, {
      store: this.store,
      ...(options.now ? { now: options.now } : {}),
      ...(options.denyFilePollMs !== undefined ? { denyFilePollMs: options.denyFilePollMs } : {}),
      hooks: {
        onRateLimited: (limit) => metrics?.rateLimited.inc({ limit }),
        onDeniedAddress: () => metrics?.deniedAddress.inc(),
        onBan: (ban) => {
          logger.warn({ ban: { by: ban.by, key: ban.key, until: new Date(ban.untilMs).toISOString(), denials: ban.denials } }, 'banned after too many denied calls');
          this.monitor?.raise(banAlert(ban));
        },
        onDenyFileError: (e) => logger.error({ err: { message: e.message } }, 'deny-list file not reloaded; the last good list stays in force'),
        onStoreError: (e) => logger.error({ err: { message: e.message } }, 'protection store failed while counting a denial'),
        onActivity: (event) => this.monitor?.observe(event),
      },
    });
    metrics?.watchBans(() => this.protection.bansActive());
    metrics?.watchEvictions(() => this.store.evictions);
    this.applyAlerts(config);
  }

  /** Whether the state is shared in Redis now: `undefined` without Redis, false while falling back. */
  get sharedStateUp(): boolean | undefined {
    return this.shared?.up;
  }

  private sharedStore(settings: RedisSettings): FallbackStore {
    const { logger, metrics } = this.options;
    const redis = printableRedisUrl(settings.url);
    let wasUp = false;
    let alerted = false;
    const store = new FallbackStore(new LocalPreChecks(new RedisStore(settings)), new MemoryStore(), {
      budgetMs: settings.budgetMs,
      onFallback: () => metrics?.sharedStateFallbacks.inc(),
      onStateChange: (up, reason) => {
        if (up) {
          logger.info({ redis }, wasUp ? 'shared state in Redis answers again: countermeasures are shared again' : 'shared state in Redis connected');
          if (alerted) this.resolve({ kind: 'shared_state_unavailable', summary: `shared state in Redis answers again (${redis}): countermeasures are shared again` });
          wasUp = true;
          alerted = false;
          return;
        }
        logger.error({ redis, reason }, 'shared state in Redis unavailable: countermeasures fall back to local state (per replica) until it answers');
        alerted = true;
        this.raise({ kind: 'shared_state_unavailable', summary: `shared state in Redis unavailable (${redis}: ${reason}): countermeasures fall back to local state, per replica` });
      },
    });
    metrics?.watchSharedState(() => store.up);
    return store;
  }

  /** Whether anything watches answered checks (automatic bans, alerts). */
  get watching(): boolean {
    return this.monitor !== undefined || this.protection.banning;
  }

  /** Whether each check's call must be known: a countermeasure runs before the policy or watches after it. */
  get needsCall(): boolean {
    return this.protection.active || this.watching;
  }

  /**
   * Raises an alert from outside the countermeasures (an expiring credential): to Alertmanager and
   * the log while `alerts:` is configured (held back while the same alert is active), else to the
   * log alone. Returns at once.
   */
  raise(input: AlertInput): void {
    if (this.monitor) return this.monitor.raise(input);
    const alert = makeAlert(input, (this.options.now ?? Date.now)(), 0);
    this.noteAlert(alert);
    const { kind, subject, credential } = alert;
    this.options.logger.warn({ alert: kind, subject, ...(credential !== '' ? { credential } : {}), endsAt: new Date(alert.endsAtMs).toISOString() }, alert.summary);
    this.options.metrics?.alerts.inc({ kind });
  }

  /** The latest alerts raised, newest first (at most {@link RECENT_ALERTS}), for the console. */
  recentAlerts(): readonly Alert[] {
    return [...this.recent].reverse();
  }

  private readonly recent: Alert[] = [];

  private noteAlert(alert: Alert): void {
    this.recent.push(alert);
    if (this.recent.length > RECENT_ALERTS) this.recent.shift();
  }

  /** Ends an alert raised by {@link raise} whose cause is over: to Alertmanager and the log, else to the log alone. */
  resolve(input: AlertInput): void {
    if (this.monitor) return this.monitor.resolve(input);
    const alert = makeAlert(input, (this.options.now ?? Date.now)(), 0);
    this.options.logger.info({ alert: alert.kind, resolved: true }, `resolved: ${alert.summary}`);
  }

  /**
   * Applies a reloaded config, keeping counts, bans and learned edges.
   *
   * @throws ProtectionError when its deny list is not usable (the config in force stays)
   */
  reconfigure(config: ProtectionConfig): void {
    this.protection.reconfigure(config);
    this.applyAlerts(config);
  }

  private applyAlerts(config: ProtectionConfig): void {
    if (!config.alerts) {
      const old = this.monitor;
      this.monitor = undefined;
      void old?.close(0);
      return;
    }
    if (this.monitor) {
      this.monitor.reconfigure(config.alerts);
      return;
    }
    const { logger, metrics } = this.options;
    this.monitor = new ActivityMonitor({
      config: config.alerts,
      store: this.store,
      logger,
      ...(this.options.now ? { now: this.options.now } : {}),
      onAlert: (kind, alert) => {
        metrics?.alerts.inc({ kind });
        this.noteAlert(alert);
      },
      onWebhookFailure: () => metrics?.webhookFailures.inc(),
    });
  }

  /** Stops watching the deny-list file, sends what alerts are queued and closes Redis, within `timeoutMs`. */
  async close(timeoutMs = 1000): Promise<void> {
    this.protection.close();
    const monitor = this.monitor;
    this.monitor = undefined;
    await Promise.all([monitor?.close(timeoutMs), this.shared?.close(Math.min(timeoutMs, 500))]);
  }
}
