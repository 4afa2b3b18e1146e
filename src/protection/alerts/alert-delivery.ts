import type { Logger } from 'pino';
import { toPostableAlert, type Alert } from './alert.js';
import { AlertWebhookError, postAlerts } from './alertmanager-client.js';

/** How deliveries are batched, bounded and retried; every field has a default. */
export interface AlertDeliveryTuning {
  /** Most alerts waiting (default 1000); past it the oldest are dropped, and counted. */
  maxQueue: number;
  /** Most alerts in one POST (default 64). */
  maxBatch: number;
  /** How long an alert waits for others to join its batch, in ms (default 100). */
  batchDelayMs: number;
  /** First wait after a failed POST, in ms (default 500); doubled at each failure after. */
  retryInitialMs: number;
  /** Longest wait between retries, in ms (default 30 s). */
  retryMaxMs: number;
  /** Longest a POST may take, in ms (default 5 s). */
  timeoutMs: number;
}

/** Defaults of {@link AlertDeliveryTuning}. */
export const DELIVERY_DEFAULTS: AlertDeliveryTuning = {
  maxQueue: 1000,
  maxBatch: 64,
  batchDelayMs: 100,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
  timeoutMs: 5000,
};

export interface AlertDeliveryOptions extends Partial<AlertDeliveryTuning> {
  /** The URL POSTed to (see `alertsEndpoint`). */
  endpoint: string;
  logger: Logger;
  /** The clock alerts' times are on (to drop alerts that ended while they waited). */
  now: () => number;
  /** Each POST that failed. */
  onFailure?: () => void;
  /** Alerts dropped: the queue was full, they ended while waiting, or the webhook refused them. */
  onDrop?: (count: number) => void;
}

/**
 * Delivers alerts to an Alertmanager off the decision path: `enqueue` only appends to a bounded
 * queue; a timer sends batches one POST at a time and, when a POST fails, keeps the batch and tries
 * again after an exponential back-off (with jitter, so replicas do not retry in step).
 */
export class AlertDelivery {
  private queue: Alert[] = [];
  /** Alerts of the POST in flight: out of the queue meanwhile, so that trimming it cannot touch them. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private attempt = 0;
  private failed = 0;
  private droppedCount = 0;
  private closed = false;
  private endpointUrl: string;
  private readonly tuning: AlertDeliveryTuning;

  constructor(private readonly options: AlertDeliveryOptions) {
    this.endpointUrl = options.endpoint;
    this.tuning = { ...DELIVERY_DEFAULTS };
    for (const key of Object.keys(DELIVERY_DEFAULTS) as (keyof AlertDeliveryTuning)[]) {
      const value = options[key];
      if (value !== undefined) this.tuning[key] = value;
    }
  }

  /** Alerts waiting to be sent, the batch in flight included. */
  get queued(): number {
    return this.queue.length + this.inFlight;
  }

  /** POSTs that failed, since it started. */
  get failures(): number {
    return this.failed;
  }

  /** Alerts dropped, since it started. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** The URL alerts go to; a new one applies from the next POST, and the queue is kept. */
  get endpoint(): string {
    return this.endpointUrl;
  }

  set endpoint(url: string) {
    if (url === this.endpointUrl) return;
    this.endpointUrl = url;
    this.attempt = 0;
    if (this.timer !== undefined && this.sending === undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.schedule(this.tuning.batchDelayMs);
    }
  }

  /** Queues an alert for the next batch; never waits. */
  enqueue(alert: Alert): void {
    if (this.closed) return;
    this.queue.push(alert);
    this.trim();
    if (this.attempt === 0) this.schedule(this.queue.length >= this.tuning.maxBatch ? 0 : this.tuning.batchDelayMs);
  }

  /**
   * Stops: one last attempt to send what is queued, bounded by `timeoutMs`, then whatever is left
   * is dropped. Resolves when done; never rejects.
   */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + timeoutMs;
    let stopWaiting: NodeJS.Timeout | undefined;
    const expiry = new Promise<void>((resolve) => (stopWaiting = setTimeout(resolve, timeoutMs)));
    const lastTry = (async () => {
      await this.sending;
      if (this.queue.length > 0 && Date.now() < deadline) await this.sendBatch(Math.max(1, deadline - Date.now()));
    })();
    await Promise.race([lastTry, expiry]);
    clearTimeout(stopWaiting);
    this.drop(this.queue.length);
    this.queue = [];
  }

  private trim(): void {
    const over = this.queue.length - this.tuning.maxQueue;
    if (over > 0) {
      // The oldest go first: when the queue is full the webhook has long been down, and the newest say most.
      this.queue.splice(0, over);
      this.drop(over);
    }
  }

  private drop(count: number): void {
    if (count <= 0) return;
    this.droppedCount += count;
    this.options.onDrop?.(count);
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer !== undefined || this.sending !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sending = this.sendBatch(this.tuning.timeoutMs).finally(() => {
        this.sending = undefined;
        if (this.queue.length > 0) this.schedule(this.attempt === 0 ? 0 : this.backoff());
      });
    }, delayMs);
    this.timer.unref();
  }

  private backoff(): number {
    const base = Math.min(this.tuning.retryMaxMs, this.tuning.retryInitialMs * 2 ** Math.min(30, this.attempt - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** Sends the oldest batch; it goes back to the head of the queue when the POST may succeed later. */
  private async sendBatch(timeoutMs: number): Promise<void> {
    const now = this.options.now();
    const stale = (a: Alert) => a.endsAtMs <= now && a.resolved !== true;
    const ended = this.queue.filter(stale).length;
    if (ended > 0) {
      // An alert that ended while it waited would reach Alertmanager already resolved: nobody would see it.
      this.queue = this.queue.filter((a) => !stale(a));
      this.drop(ended);
    }
    const batch = this.queue.splice(0, this.tuning.maxBatch);
    if (batch.length === 0) return;
    this.inFlight = batch.length;
    try {
      await postAlerts(this.endpointUrl, batch.map(toPostableAlert), timeoutMs);
      if (this.attempt > 0) this.options.logger.info({ endpoint: this.endpointUrl, failures: this.attempt }, 'alert webhook: delivering again');
      this.attempt = 0;
    } catch (e) {
      this.failed++;
      this.options.onFailure?.();
      const permanent = e instanceof AlertWebhookError && e.permanent;
      // Logged at the first failure of a run and at each refusal, not at every retry of an outage.
      if (permanent || this.attempt === 0) this.options.logger.warn({ endpoint: this.endpointUrl, err: (e as Error).message, alerts: batch.length }, permanent ? 'alert webhook refused a batch: dropped' : 'alert webhook failed: retrying with back-off');
      if (permanent) {
        this.drop(batch.length);
      } else {
        this.attempt++;
        this.queue.unshift(...batch);
        this.trim();
      }
    } finally {
      this.inFlight = 0;
    }
  }
}
