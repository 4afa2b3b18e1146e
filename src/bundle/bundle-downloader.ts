import type { Agent as HttpsAgent } from 'node:https';
import { jitteredBackoff } from '../audit/retry-delay.js';
import { outboundAgent } from '../outbound/outbound-tls.js';
import { readCachedBundle, writeCachedBundle } from './bundle-cache.js';
import { requestBundle, type BundleAnswer } from './bundle-request.js';
import type { BundleServiceSettings } from './bundle-service-config.js';
import { BundleServiceError } from './errors.js';

/** What one poll of the bundle server came to. */
export type PollOutcome =
  /** A new bundle activated (`revision` is serving). */
  | { result: 'ok'; revision: string; bytes: number }
  /** The server said 304: the active revision is current. */
  | { result: 'not_modified' }
  /** The download failed (unreachable, timeout, HTTP error, too large). */
  | { result: 'error'; error: Error }
  /** A bundle arrived but did not compile or verify: the active revision keeps serving. */
  | { result: 'refused'; error: Error };

/** What the downloader reports, for logs and metrics. */
export type DownloaderEvent =
  /** One poll ended; the next starts in `nextInMs`. */
  | { kind: 'poll'; outcome: PollOutcome; at: Date; nextInMs: number }
  /** The first download failed or was refused (`downloadError`): the cached bundle serves instead. */
  | { kind: 'cache_activated'; revision: string; downloadedAt: string; downloadError: Error }
  | { kind: 'cache_refused'; error: Error }
  | { kind: 'cache_write_failed'; error: Error };

/** Options of {@link BundleDownloader}. */
/** What `activate` made of a bundle: its revision, and whether it may be cached (a delta may not: it is no bundle to start from). */
export interface Activated {
  revision: string;
  cacheable: boolean;
}

export interface BundleDownloaderOptions {
  settings: BundleServiceSettings;
  /**
   * Compiles, verifies and swaps in a bundle, resolving with its revision; throws to refuse it. The
   * downloader persists a bundle only after this succeeds.
   */
  activate: (bytes: Buffer, source: string) => Promise<string | Activated>;
  /** Where the last activated bundle is kept (`bundleCacheDir`); none when unset. */
  cacheDir?: string;
  onEvent?: (event: DownloaderEvent) => void;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

/** How the downloader started. */
export type StartedFrom = { from: 'server'; revision: string } | { from: 'cache'; revision: string; downloadError: Error };

/** The shortest back-off after a failure; the back-off then doubles up to pollMaxSeconds. */
const FIRST_RETRY_MS = 1_000;
/** A long-polling server that answers at once must not make the next poll start at once for ever. */
const LONG_POLL_FLOOR_MS = 500;

/**
 * Keeps the serving revision in step with a bundle server, following OPA's bundle service protocol:
 * each GET carries the active bundle's ETag (`If-None-Match`), and a 304 keeps the revision; a 200
 * is handed to `activate` and, once it has activated, written to `cacheDir`. With `longPollSeconds`
 * it asks the server to hold each poll (`Prefer: modes=long-polling, wait=N`) and polls again at once
 * while the server answers as a long-polling one (`Content-Type: application/vnd.openpolicyagent.bundles`);
 * otherwise it waits a random time in [pollMinSeconds, pollMaxSeconds]. Failures back off
 * exponentially from 1 s with jitter, capped at pollMaxSeconds. Polls never overlap; {@link close}
 * aborts the one in flight and the wait.
 *
 * @example
 * const downloader = new BundleDownloader({ settings, activate, cacheDir: '/var/cache/warden' });
 * await downloader.start(); // throws when neither the server nor the cache gives a bundle that activates
 */
export class BundleDownloader {
  private readonly options: BundleDownloaderOptions;
  private readonly settings: BundleServiceSettings;
  private readonly agent: HttpsAgent | undefined;
  private readonly abort = new AbortController();
  private readonly random: () => number;
  private etag: string | undefined;
  private polling: Promise<PollOutcome> | undefined;
  private failures = 0;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** True while the server answers as a long-polling one. */
  private longPolling = false;
  /** The wait before the next poll, decided when the last one ended. */
  private nextDelayMs = 0;
  private lastSuccess: Date | undefined;
  private activeRevision: string | undefined;

  /** @throws OutboundError when the TLS files of `settings.tls` cannot be read or used */
  constructor(options: BundleDownloaderOptions) {
    this.options = options;
    this.settings = options.settings;
    this.random = options.random ?? Math.random;
    this.agent = new URL(this.settings.url).protocol === 'https:' ? outboundAgent(this.settings.tls) : undefined;
  }

  /**
   * Downloads the bundle once; when that fails or is refused, activates the cached bundle instead
   * (verified again). Then keeps polling in the background.
   *
   * @throws BundleServiceError `bundle_download_failed` when neither gives a revision, with both reasons
   */
  async start(): Promise<StartedFrom> {
    const first = await this.poll();
    let started: StartedFrom;
    if (first.result === 'ok') started = { from: 'server', revision: first.revision };
    else {
      const downloadError = first.result === 'not_modified' ? new Error('server answered 304 to a first download') : first.error;
      const fromCache = await this.activateCache(downloadError);
      if (typeof fromCache !== 'string') {
        await this.close();
        const cacheReason = fromCache ? fromCache.message : this.options.cacheDir ? `no bundle cached in ${this.options.cacheDir}` : 'no bundleCacheDir set';
        throw new BundleServiceError('bundle_download_failed', `no bundle from ${this.settings.url}: ${downloadError.message}; and ${cacheReason}`, { cause: downloadError });
      }
      started = { from: 'cache', revision: fromCache, downloadError };
    }
    this.loop = this.run();
    return started;
  }

  /** When the last download ended that succeeded (a 200 that activated, or a 304). */
  get lastSuccessAt(): Date | undefined {
    return this.lastSuccess;
  }

  /** The revision activated last, from the server or the cache. */
  get revision(): string | undefined {
    return this.activeRevision;
  }

  /** Polls now (or waits for the poll in flight) and returns what it came to. */
  pollNow(): Promise<PollOutcome> {
    return this.poll();
  }

  /** Stops polling: the poll in flight and the wait are aborted. Idempotent. */
  async close(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    this.agent?.destroy();
  }

  private get closed(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      await this.sleep(this.nextDelayMs);
      if (this.closed) return;
      await this.poll();
    }
  }

  /** The wait before the next poll: soon while long polling, backed off after errors, else periodic. */
  private delayAfter(outcome: PollOutcome, tookMs: number): number {
    const { pollMinSeconds, pollMaxSeconds } = this.settings;
    const maxMs = pollMaxSeconds * 1000;
    if (outcome.result === 'error') {
      return jitteredBackoff(this.failures - 1, { firstMs: Math.min(FIRST_RETRY_MS, pollMinSeconds * 1000, maxMs), maxMs }, this.random);
    }
    // A refused bundle would come back at once from a long-polling server (its ETag is not taken): wait as periodic polling does.
    if (this.longPolling && outcome.result !== 'refused') return Math.max(0, Math.min(LONG_POLL_FLOOR_MS, pollMinSeconds * 1000) - tookMs);
    return Math.round((pollMinSeconds + this.random() * (pollMaxSeconds - pollMinSeconds)) * 1000);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private poll(): Promise<PollOutcome> {
    if (!this.polling) {
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
      });
    }
    return this.polling;
  }

  private async pollOnce(): Promise<PollOutcome> {
    const { url, headers, longPollSeconds, timeoutSeconds, maxBytes } = this.settings;
    const startedAt = Date.now();
    let answer: BundleAnswer;
    let outcome: PollOutcome;
    try {
      answer = await requestBundle({
        url,
        headers,
        etag: this.etag,
        longPollSeconds,
        timeoutMs: (timeoutSeconds + (longPollSeconds ?? 0)) * 1000,
        maxBytes,
        agent: this.agent,
        signal: this.abort.signal,
      });
    } catch (e) {
      this.failures++;
      this.longPolling = false;
      return this.report({ result: 'error', error: e as Error }, startedAt);
    }
    this.failures = 0;
    this.longPolling = longPollSeconds !== undefined && answer.longPolling;
    if (answer.status === 304) {
      this.lastSuccess = new Date();
      return this.report({ result: 'not_modified' }, startedAt);
    }
    try {
      const activated = await this.options.activate(answer.body, url);
      const { revision, cacheable } = typeof activated === 'string' ? { revision: activated, cacheable: true } : activated;
      this.etag = answer.etag;
      this.activeRevision = revision;
      this.lastSuccess = new Date();
      outcome = { result: 'ok', revision, bytes: answer.body.length };
      if (this.options.cacheDir && cacheable) {
        await writeCachedBundle(this.options.cacheDir, answer.body, { etag: answer.etag, revision, downloadedAt: this.lastSuccess.toISOString() }).catch((error: Error) =>
          this.emit({ kind: 'cache_write_failed', error }),
        );
      }
    } catch (e) {
      outcome = { result: 'refused', error: e as Error };
    }
    return this.report(outcome, startedAt);
  }

  /** Activates the cached bundle: its revision, the reason it could not, or undefined when there is none. */
  private async activateCache(downloadError: Error): Promise<string | Error | undefined> {
    const dir = this.options.cacheDir;
    if (!dir || this.closed) return undefined;
    try {
      const cached = await readCachedBundle(dir);
      if (!cached) return undefined;
      const activated = await this.options.activate(cached.bytes, `${dir} (cached from ${this.settings.url})`);
      const revision = typeof activated === 'string' ? activated : activated.revision;
      this.etag = cached.meta.etag;
      this.activeRevision = revision;
      this.emit({ kind: 'cache_activated', revision, downloadedAt: cached.meta.downloadedAt, downloadError });
      return revision;
    } catch (e) {
      const error = e as Error;
      this.emit({ kind: 'cache_refused', error });
      return new Error(`the cached bundle in ${dir} was refused: ${error.message}`, { cause: error });
    }
  }

  private report(outcome: PollOutcome, startedAt: number): PollOutcome {
    this.nextDelayMs = this.delayAfter(outcome, Date.now() - startedAt);
    if (!this.closed) this.emit({ kind: 'poll', outcome, at: new Date(), nextInMs: this.nextDelayMs });
    return outcome;
  }

  private emit(event: DownloaderEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A failing observer must not stop the downloader.
    }
  }
}
