import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Logger } from 'pino';
import type { DecisionRecord, DecisionSink } from './decision-log.js';
import { LOG_SERVICE_DEFAULTS, type LogServiceConfig } from './log-service-config.js';
import type { LogServiceDropReason, WardenMetrics } from './metrics.js';
import { instanceLabels, type InstanceLabels } from './instance-labels.js';
import { opaLogEvent } from './opa-log-event.js';
import type { Agent as HttpsAgent } from 'node:https';
import { outboundAgent } from '../outbound/outbound-tls.js';
import { postBody, type PostAnswer } from '../outbound/post-body.js';
import { createRedactor, mayNeedRedaction, type Redactor } from './redact.js';
import { jitteredBackoff, retryAfterMs, type BackoffBounds } from './retry-delay.js';

const gzip = promisify(gzipCallback);

/** Options of {@link LogShipper}: the service settings, and how the shipper itself behaves. */
export interface LogShipperOptions extends LogServiceConfig {
  /** Extra dotted paths to redact (as for the local decision log). */
  redactPaths?: string[];
  /** OPA's `path` for decisions of Warden's own APIs (default `warden/authz/decision`). */
  decisionPath?: string;
  /** The labels of every event: the instance's `id` and the config's `labels` (a fresh id when absent). */
  labels?: InstanceLabels;
  /** Where `warden_decision_log_dropped_total{reason}` is counted. */
  metrics?: WardenMetrics;
  /** The operational log: told about failed and rejected uploads (never with the headers). */
  logger?: Logger;
  /** Waits between failed uploads (default 500 ms doubling to 60 s, jittered). */
  backoff?: Partial<BackoffBounds>;
  /** Longest one upload may take before it counts as failed (default 10 s). */
  requestTimeoutMs?: number;
  /** Longest {@link LogShipper.close} spends delivering what is left (default 5 s). */
  closeTimeoutMs?: number;
}

/** Default waits between failed uploads. */
export const SHIPPER_BACKOFF: BackoffBounds = { firstMs: 500, maxMs: 60_000 };
const RETRY_AFTER_CAP_MS = 5 * 60_000;

/** What one upload came to. */
type Outcome = { kind: 'sent' } | { kind: 'rejected'; status: number } | { kind: 'retry'; waitMs?: number; why: string };

/**
 * Ships decision records to a decision-log service as OPA does: batches of OPA-shaped events,
 * gzipped JSON arrays of at most `maxBatchBytes`, POSTed to `<url>/logs` once a batch is full or
 * its oldest record has waited `maxDelaySeconds`. `write` only queues the record's text (redaction
 * and encoding happen later, off the decision's path), so a slow, failing or hanging collector never
 * holds up a decision. Failed uploads (network errors, timeouts, 5xx, 429) are retried with jittered
 * exponential back-off (429's `Retry-After` honoured) while new records queue up to
 * `maxBufferBytes`, beyond which the oldest are dropped. A 4xx answer drops the batch. Every loss is
 * counted in `warden_decision_log_dropped_total{reason}`.
 *
 * @example
 * const shipper = new LogShipper({ url: 'https://logs.example.com', metrics, logger });
 * shipper.write(record);
 * await shipper.close();
 */
export class LogShipper implements DecisionSink {
  private readonly endpoint: string;
  private readonly maxBatchBytes: number;
  private readonly maxDelayMs: number;
  private readonly maxBufferBytes: number;
  private readonly redact: Redactor;
  /** Without configured paths, text the screen clears is left as it is (the redactor's copy is the costly part). */
  private readonly screened: boolean;
  private readonly backoff: BackoffBounds;
  private readonly labels: InstanceLabels;
  /** The https agent with the configured CA and client certificate, when `tls` is set. */
  private readonly agent: HttpsAgent | undefined;
  private readonly queue: string[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** Uncompressed bytes of JSON per gzipped byte, learnt from each batch (starts at 1: never too many). */
  private ratio = 1;
  private delayTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private startingSoon = false;
  private pending: string[] | undefined;
  private attempt = 0;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly stopUploads = new AbortController();
  private readonly drops: Record<LogServiceDropReason, number> = { buffer_full: 0, rejected: 0, too_large: 0, shutdown: 0 };
  /** Batches the collector accepted. */
  sentBatches = 0;

  constructor(private readonly options: LogShipperOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/logs`;
    this.maxBatchBytes = options.maxBatchBytes ?? LOG_SERVICE_DEFAULTS.maxBatchBytes;
    this.maxDelayMs = (options.maxDelaySeconds ?? LOG_SERVICE_DEFAULTS.maxDelaySeconds) * 1000;
    this.maxBufferBytes = options.maxBufferBytes ?? LOG_SERVICE_DEFAULTS.maxBufferBytes;
    this.redact = createRedactor({ paths: options.redactPaths });
    this.screened = (options.redactPaths ?? []).length === 0;
    this.backoff = { ...SHIPPER_BACKOFF, ...options.backoff };
    this.labels = options.labels ?? instanceLabels(undefined);
    this.agent = options.tls ? outboundAgent(options.tls) : undefined;
    options.metrics?.observeLogServiceDrops();
  }

  /** Records lost, all reasons together. */
  get dropped(): number {
    return this.drops.buffer_full + this.drops.rejected + this.drops.too_large + this.drops.shutdown;
  }

  /** Records lost, by reason. */
  droppedFor(reason: LogServiceDropReason): number {
    return this.drops[reason];
  }

  /** Queues one record (an object or its JSON text); never blocks, never throws. */
  write(record: DecisionRecord | string): void {
    if (this.closing) return this.drop('shutdown', 1);
    let text: string;
    try {
      text = typeof record === 'string' ? record : JSON.stringify(record);
    } catch {
      return this.drop('rejected', 1);
    }
    this.queue.push(text);
    this.queuedBytes += text.length;
    let oldest = 0;
    while (this.queuedBytes > this.maxBufferBytes && this.head < this.queue.length) {
      this.queuedBytes -= this.queue[this.head]!.length;
      this.queue[this.head++] = '';
      oldest++;
    }
    if (oldest > 0) this.drop('buffer_full', oldest);
    this.compact();
    this.schedule();
  }

  /** Sends everything queued now, and waits for it (or for its failure, which stays queued for retry). */
  async flush(): Promise<void> {
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    while (this.hasQueued() || this.pending) {
      if (this.retryTimer) return;
      await this.run();
      if (this.pending) return;
    }
  }

  /** Delivers what is left within `closeTimeoutMs` (default 5 s), counting the rest as dropped; once. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      clearTimeout(this.delayTimer);
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      const bound = this.options.closeTimeoutMs ?? 5_000;
      let timer: NodeJS.Timeout | undefined;
      const outOfTime = new Promise<void>((resolve) => (timer = setTimeout(resolve, bound)));
      await Promise.race([this.deliverAll(), outOfTime]);
      clearTimeout(timer);
      this.stopUploads.abort();
      await this.running;
      const left = (this.pending?.length ?? 0) + this.queue.length - this.head;
      this.pending = undefined;
      this.queue.length = this.head = this.queuedBytes = 0;
      this.drop('shutdown', left);
      this.agent?.destroy();
    })();
    return this.closed;
  }

  private async deliverAll(): Promise<void> {
    while (!this.stopUploads.signal.aborted && (this.hasQueued() || this.pending)) {
      await this.run();
      if (this.pending) {
        // One more try after a short wait, while the bound allows.
        await new Promise((r) => setTimeout(r, Math.min(this.backoff.firstMs, 1_000)));
      }
    }
  }

  private hasQueued(): boolean {
    return this.head < this.queue.length;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private drop(reason: LogServiceDropReason, count: number): void {
    if (count <= 0) return;
    this.drops[reason] += count;
    this.options.metrics?.recordLogServiceDrops(reason, count);
  }

  /** Starts an upload now when a full batch is queued, else makes sure one starts within the delay. */
  private schedule(): void {
    if (this.closing || this.running || this.retryTimer || this.startingSoon) return;
    if (this.queuedBytes >= this.maxBatchBytes * this.ratio) {
      clearTimeout(this.delayTimer);
      this.delayTimer = undefined;
      // Once per burst, not once per record.
      this.startingSoon = true;
      setImmediate(() => {
        this.startingSoon = false;
        void this.run();
      });
      return;
    }
    if (!this.delayTimer) {
      this.delayTimer = setTimeout(() => {
        this.delayTimer = undefined;
        void this.run();
      }, this.maxDelayMs);
      this.delayTimer.unref();
    }
  }

  /** One upload (the batch that failed last, or a new one); only one runs at a time. */
  private run(): Promise<void> {
    this.running ??= this.uploadOnce().finally(() => {
      this.running = undefined;
      if (this.closing) return;
      // Half of a split batch goes at once; anything else as schedule() decides.
      if (this.pending && !this.retryTimer) setImmediate(() => void this.run());
      else if (this.hasQueued()) this.schedule();
    });
    return this.running;
  }

  private async uploadOnce(): Promise<void> {
    const batch = this.pending ?? this.takeBatch();
    this.pending = undefined;
    if (batch.length === 0) return;
    let body: Buffer;
    try {
      body = await this.encode(batch);
    } catch (e) {
      this.options.logger?.error({ err: e }, 'decision-log service: cannot encode a batch; dropping it');
      return this.drop('rejected', batch.length);
    }
    if (body.length > this.maxBatchBytes) return this.split(batch);
    const outcome = await this.post(body);
    if (outcome.kind === 'sent') {
      this.attempt = 0;
      this.sentBatches++;
      return;
    }
    if (outcome.kind === 'rejected') {
      this.attempt = 0;
      this.options.logger?.warn({ status: outcome.status, records: batch.length, url: this.endpoint }, 'decision-log service rejected a batch; its records are dropped');
      return this.drop('rejected', batch.length);
    }
    this.pending = batch;
    if (this.closing) return;
    const wait = outcome.waitMs !== undefined ? Math.min(outcome.waitMs, RETRY_AFTER_CAP_MS) : jitteredBackoff(this.attempt, this.backoff);
    this.attempt++;
    this.options.logger?.warn({ url: this.endpoint, reason: outcome.why, retry_in_ms: wait, records: batch.length }, 'decision-log upload failed; retrying');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.run();
    }, wait);
    this.retryTimer.unref();
  }

  /** A batch that gzipped too large: halves go back to the front of the queue; one record alone is dropped. */
  private split(batch: string[]): void {
    if (batch.length === 1) {
      this.options.logger?.warn({ url: this.endpoint, max_batch_bytes: this.maxBatchBytes }, 'decision record larger than maxBatchBytes even gzipped; dropped');
      return this.drop('too_large', 1);
    }
    const back = batch.slice(Math.ceil(batch.length / 2));
    this.pending = batch.slice(0, Math.ceil(batch.length / 2));
    this.queue.splice(this.head, 0, ...back);
    for (const text of back) this.queuedBytes += text.length;
  }

  /** Takes records from the front of the queue while they should gzip within the batch limit. */
  private takeBatch(): string[] {
    const budget = this.maxBatchBytes * this.ratio * 0.9;
    const batch: string[] = [];
    let bytes = 0;
    while (this.hasQueued()) {
      const text = this.queue[this.head]!;
      if (batch.length > 0 && bytes + text.length > budget) break;
      batch.push(text);
      bytes += text.length;
      this.queuedBytes -= text.length;
      this.queue[this.head++] = '';
    }
    this.compact();
    return batch;
  }

  private async encode(batch: string[]): Promise<Buffer> {
    const path = this.options.decisionPath ?? 'warden/authz/decision';
    const events: string[] = [];
    let plain = 2;
    for (const text of batch) {
      let record: DecisionRecord;
      try {
        const parsed: unknown = JSON.parse(text);
        record = (this.screened && !mayNeedRedaction(text) ? parsed : this.redact(parsed)) as DecisionRecord;
      } catch {
        this.drop('rejected', 1);
        continue;
      }
      const event = JSON.stringify(opaLogEvent(record, path, this.labels));
      events.push(event);
      plain += event.length + 1;
    }
    const body = await gzip(`[${events.join(',')}]`);
    // Learn how well records compress, never assuming better than 8:1.
    this.ratio = Math.max(1, Math.min(8, plain / Math.max(1, body.length)));
    return body;
  }

  private async post(body: Buffer): Promise<Outcome> {
    let response: PostAnswer;
    try {
      response = await postBody(this.endpoint, {
        headers: { ...this.options.headers, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        body,
        ...(this.agent ? { agent: this.agent } : {}),
        signal: AbortSignal.any([this.stopUploads.signal, AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000)]),
      });
    } catch (e) {
      return { kind: 'retry', why: (e as Error).message };
    }
    if (response.status >= 200 && response.status < 300) return { kind: 'sent' };
    if (response.status === 429) return { kind: 'retry', waitMs: retryAfterMs(response.retryAfter), why: 'HTTP 429' };
    if (response.status >= 500) return { kind: 'retry', why: `HTTP ${response.status}` };
    return { kind: 'rejected', status: response.status };
  }
}
