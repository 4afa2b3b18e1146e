import type { Logger } from 'pino';
import type { ActivityEvent } from '../activity.js';
import { andThen, isPromise } from '../maybe-promise.js';
import type { MaybePromise, ProtectionStore } from '../store.js';
import { alertKey, makeAlert, type Alert, type AlertInput, type AlertKind } from './alert.js';
import { AlertDelivery, type AlertDeliveryTuning } from './alert-delivery.js';
import { alertsEndpoint } from './alertmanager-client.js';
import type { AlertsConfig } from './config.js';
import { ALERT_KEY_PREFIX, denyBurstDetector, identitySpreadDetector, newEdgeDetector, type Detector } from './detectors.js';
import { DEFAULT_MAX_BASELINES, RateSpikeDetector } from './rate-spike.js';

export interface ActivityMonitorOptions {
  /** The `alerts:` section, from `parseAlertsConfig`. */
  config: AlertsConfig;
  /** Where windows, distinct addresses, learned edges and active alerts are kept. */
  store: ProtectionStore;
  /** The operational log: one line per alert, at `warn`. */
  logger: Logger;
  /** The clock, in ms since the epoch (default `Date.now`); tests pass a fake one. */
  now?: () => number;
  /** Each alert raised (not those held back because the same alert is active): `warden_alerts_total{kind}`. */
  onAlert?: (kind: AlertKind, alert: Alert) => void;
  /** Each failed POST to the webhook: `warden_alert_webhook_failures_total`. */
  onWebhookFailure?: () => void;
  /** Alerts dropped before reaching the webhook (queue full, ended while waiting, refused). */
  onAlertDrop?: (count: number) => void;
  /** Batching, queue bound and back-off of webhook deliveries (defaults in `DELIVERY_DEFAULTS`). */
  delivery?: Partial<AlertDeliveryTuning>;
  /** Most subjects whose rate baselines are kept (default 10,000). */
  maxBaselines?: number;
}

/**
 * Watches every answered check for unusual activity (new edges, deny bursts, rate spikes, identity
 * spread) and raises alerts — on the operational log and, with a webhook, to Alertmanager. Nothing
 * here holds up a decision: `observe` is synchronous and does a few store steps; an alert's
 * delivery happens later, off the call; a failing store or webhook is logged, never thrown.
 *
 * @example
 * const monitor = new ActivityMonitor({ config: parseAlertsConfig(raw), store, logger });
 * monitor.observe({ atMs: Date.now(), subject, requester, service, address, allowed: false, deniedBy: 'policy' });
 * monitor.raise({ kind: 'ban', address: '203.0.113.9', endsAtMs: bannedUntil });
 */
export class ActivityMonitor {
  private config: AlertsConfig;
  private detectors: Detector[] = [];
  private rateSpike: RateSpikeDetector | undefined;
  private delivery: AlertDelivery | undefined;
  private readonly now: () => number;
  /** New-edge learning runs from when the monitor started, whatever reconfigurations come after. */
  private readonly startedAtMs: number;
  private storeFailures = 0;
  /**
   * Alerts between asking the store whether they are active and marking them: a second raise of
   * one of them meanwhile is a repeat (with a remote store, both would otherwise find it quiet).
   */
  private readonly deciding = new Set<string>();

  constructor(private readonly options: ActivityMonitorOptions) {
    this.now = options.now ?? Date.now;
    this.startedAtMs = this.now();
    this.config = options.config;
    this.apply(options.config);
  }

  /** The configuration in force. */
  get current(): AlertsConfig {
    return this.config;
  }

  /** Webhook delivery figures: alerts waiting, failed POSTs, alerts dropped (zeros without a webhook). */
  get deliveryStats(): { queued: number; failures: number; dropped: number } {
    const d = this.delivery;
    return { queued: d?.queued ?? 0, failures: d?.failures ?? 0, dropped: d?.dropped ?? 0 };
  }

  /**
   * Looks at one answered check (call it for every one, allowed or denied). Returns at once; the
   * alerts it leads to are raised when the store has answered.
   */
  observe(event: ActivityEvent): void {
    for (const detect of this.detectors) {
      try {
        this.settle(detect(event));
      } catch (e) {
        this.storeFailed(e);
      }
    }
  }

  /**
   * Raises an alert unless the same alert (same labels) is still active: logs it, counts it and
   * queues it for the webhook. For detectors and the other countermeasures alike (each ban is an
   * alert: `raise({ kind: 'ban', address, endsAtMs })`). Returns at once.
   */
  raise(input: AlertInput): void {
    const key = `${ALERT_KEY_PREFIX}active:${alertKey(input)}`;
    if (this.deciding.has(key)) return;
    const nowMs = this.now();
    let alert: Alert | undefined;
    // Built only once the alert is known to be new: a burst goes on raising it at every denial.
    const built = () => (alert ??= makeAlert(input, nowMs, this.config.resolveAfterMs));
    const { store } = this.options;
    const raiseIfQuiet = (activeUntil: number | undefined): MaybePromise<void> => {
      if (activeUntil !== undefined) return;
      this.emit(built());
      try {
        const marked = store.mark(key, built().endsAtMs);
        if (isPromise(marked)) return marked.catch((e: unknown) => this.storeFailed(e));
      } catch (e) {
        this.storeFailed(e);
      }
    };
    // Without the store the monitor cannot tell a repeat from a new alert: better twice than never.
    const unsure = (e: unknown): void => {
      this.storeFailed(e);
      this.emit(built());
    };
    let done: MaybePromise<void>;
    this.deciding.add(key);
    try {
      done = andThen(store.marked(key, nowMs), raiseIfQuiet);
    } catch (e) {
      this.deciding.delete(key);
      return unsure(e);
    }
    if (isPromise(done)) {
      done.catch(unsure).finally(() => this.deciding.delete(key));
    } else {
      this.deciding.delete(key);
    }
  }

  /**
   * Ends an active alert now, before its end (what it was about is over: Redis answers again): logs
   * it, sends it to the webhook with `endsAt` now (Alertmanager then shows it resolved), and forgets
   * it, so that the next time it happens it is raised again. Returns at once.
   */
  resolve(input: AlertInput): void {
    const key = `${ALERT_KEY_PREFIX}active:${alertKey(input)}`;
    const nowMs = this.now();
    const alert: Alert = { ...makeAlert(input, nowMs, 0), endsAtMs: nowMs, resolved: true };
    this.options.logger.info({ alert: alert.kind, resolved: true, endsAt: new Date(nowMs).toISOString() }, `resolved: ${alert.summary}`);
    this.delivery?.enqueue(alert);
    try {
      const unmarked = this.options.store.unmark(key);
      if (isPromise(unmarked)) unmarked.catch((e: unknown) => this.storeFailed(e));
    } catch (e) {
      this.storeFailed(e);
    }
  }

  /**
   * Applies a new `alerts:` section (a hot reload). Kept: learned edges and every count in the
   * store, the new-edge learning clock, rate baselines when the rate window and baseline are
   * unchanged, and alerts waiting for the webhook (sent to the new one if it changed).
   */
  reconfigure(config: AlertsConfig): void {
    this.config = config;
    this.apply(config);
  }

  /** Stops webhook delivery after a last bounded attempt to send what is queued (see `AlertDelivery.close`). */
  async close(timeoutMs?: number): Promise<void> {
    const delivery = this.delivery;
    this.delivery = undefined;
    await delivery?.close(timeoutMs);
  }

  private apply(config: AlertsConfig): void {
    const { store } = this.options;
    const detectors: Detector[] = [];
    const newEdge = config.newEdge;
    if (newEdge) detectors.push(newEdgeDetector(store, () => this.startedAtMs + newEdge.learnForMs));
    if (config.denyBurst) detectors.push(denyBurstDetector(config.denyBurst, store));
    if (config.identitySpread) detectors.push(identitySpreadDetector(config.identitySpread, store));
    if (config.rateSpike) {
      const previous = this.rateSpike;
      const next = new RateSpikeDetector(config.rateSpike, store, this.options.maxBaselines ?? DEFAULT_MAX_BASELINES);
      if (previous?.compatible(config.rateSpike)) previous.handOver(next);
      this.rateSpike = next;
      detectors.push((event) => next.detect(event));
    } else {
      this.rateSpike = undefined;
    }
    this.detectors = detectors;

    if (config.webhook === undefined) {
      void this.delivery?.close(0);
      this.delivery = undefined;
    } else if (this.delivery) {
      this.delivery.endpoint = alertsEndpoint(config.webhook);
    } else {
      this.delivery = new AlertDelivery({
        ...this.options.delivery,
        endpoint: alertsEndpoint(config.webhook),
        logger: this.options.logger,
        now: this.now,
        onFailure: this.options.onWebhookFailure,
        onDrop: this.options.onAlertDrop,
      });
    }
  }

  private settle(found: MaybePromise<AlertInput | undefined>): void {
    if (isPromise(found)) {
      found.then((input) => input && this.raise(input), (e: unknown) => this.storeFailed(e));
    } else if (found) {
      this.raise(found);
    }
  }

  private emit(alert: Alert): void {
    const { kind, subject, service, address, credential, counts } = alert;
    this.options.logger.warn({ alert: kind, subject, service, address, ...(credential !== '' ? { credential } : {}), counts, endsAt: new Date(alert.endsAtMs).toISOString() }, alert.summary);
    this.delivery?.enqueue(alert);
    try {
      this.options.onAlert?.(kind, alert);
    } catch (e) {
      this.options.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'alerts: the onAlert callback failed');
    }
  }

  private storeFailed(e: unknown): void {
    // A store that fails on every call would otherwise write a line per check.
    this.storeFailures++;
    if ((this.storeFailures & (this.storeFailures - 1)) === 0) {
      this.options.logger.error({ err: e instanceof Error ? e.message : String(e), failures: this.storeFailures }, 'alerts: the protection store failed; unusual activity may go unseen');
    }
  }
}
