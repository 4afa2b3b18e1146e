import { watch, type FSWatcher } from 'node:fs';
import { EngineError } from './errors.js';
import type { SourceSnapshot, WatchedDirectory } from './source-fingerprint.js';
import { CoalescingRun } from './coalescing-run.js';

/** What the watcher saw of the policy source; `start-server` turns these into logs, metrics and health. */
export type SourceEvent =
  /** After every look at the source (the poller's heartbeat). */
  | { kind: 'checked'; at: Date; healthy: boolean }
  /** The source became gone or unreadable; the last good revision keeps serving. */
  | { kind: 'unreadable'; error: EngineError }
  /** The source has been unreadable for longer than the grace. */
  | { kind: 'stale'; error: EngineError; downMs: number }
  /** The source is readable again after being unreadable. */
  | { kind: 'restored'; downMs: number }
  /** A folder could not be watched for change events; polling still covers it. */
  | { kind: 'watch_failed'; path: string; error: Error };

/** Options of {@link PolicyWatcher}. */
export interface PolicyWatcherOptions {
  /** Looks at the source (`SourceFingerprinter.snapshot`); throws when it is gone or unreadable. */
  snapshot: () => Promise<SourceSnapshot>;
  /** The digest the source had when the last load started reading it (undefined: none, or unreadable). */
  loadedDigest: () => string | undefined;
  /** Starts a load; called when the source differs from what was last loaded. */
  reload: () => void;
  /** How often the source is fingerprinted (default 1000 ms). */
  pollIntervalMs?: number;
  /** Quiet time after the last change event before the source is looked at (default 100 ms). */
  debounceMs?: number;
  /** How long the source may stay unreadable before a `stale` event (default 30 s; false: never). */
  graceMs?: number | false;
  /** A look at the source that takes longer counts as unreadable (default 10 s, at least the poll interval). */
  checkTimeoutMs?: number;
  /** Also watch folders for change events, to reload sooner than the next poll (default true). */
  events?: boolean;
  onEvent?: (event: SourceEvent) => void;
}

/** Default of {@link PolicyWatcherOptions.graceMs}. */
export const DEFAULT_SOURCE_GRACE_MS = 30_000;
/** Default of {@link PolicyWatcherOptions.pollIntervalMs}. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new EngineError('engine_invalid_config', `${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

function asEngineError(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  return new EngineError('engine_policy_files', `cannot read policy source: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * `work`, or an `engine_policy_files` error if it has not settled within `ms`: a look at a source on a
 * hung file system must end, or every later look would queue behind it.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineError('engine_policy_files', `policy source did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Keeps a policy source under watch without depending on inodes: it fingerprints the source's content
 * every `pollIntervalMs` and starts a reload when it differs from what was last loaded (and has
 * settled), so in-place writes, files renamed over, folders deleted and recreated and symlink swaps
 * are all seen within one interval and a debounce. Folder watches (re-armed whenever a folder's inode changes) only make that sooner. A
 * source that is gone, unreadable, or does not answer within `checkTimeoutMs` is reported, never
 * waited on; it is looked at again on every poll and reloaded when it returns. Timers and watches
 * never keep the process alive, and {@link PolicyWatcher.close} stops them all.
 *
 * @example
 * const fingerprinter = new SourceFingerprinter({ policies: 'policies/' });
 * const watcher = new PolicyWatcher({ snapshot: () => fingerprinter.snapshot(), loadedDigest: () => digest, reload, onEvent: log });
 * watcher.start();
 */
export class PolicyWatcher {
  private readonly options: PolicyWatcherOptions;
  private readonly pollIntervalMs: number;
  private readonly debounceMs: number;
  private readonly checkTimeoutMs: number;
  private readonly graceMs: number | false;
  private readonly watchers = new Map<string, { watcher: FSWatcher; key: string }>();
  /** Folders whose watch failed, by `path\0key`: not retried until the folder's inode changes. */
  private readonly failedWatches = new Set<string>();
  private interval: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly looks = new CoalescingRun(() => this.checkOnce(), () => this.closed);
  private down: { since: number; stale: boolean } | undefined;
  /** A changed digest seen once, waiting to be seen again before it is loaded. */
  private settling: { digest: string; since: number } | undefined;
  private closed = false;

  /** @throws EngineError `engine_invalid_config` for an interval, debounce, grace or timeout that is not positive */
  constructor(options: PolicyWatcherOptions) {
    this.options = options;
    this.pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS);
    this.debounceMs = positive('debounceMs', options.debounceMs, 100);
    this.checkTimeoutMs = positive('checkTimeoutMs', options.checkTimeoutMs, Math.max(10_000, this.pollIntervalMs));
    this.graceMs = options.graceMs === false ? false : options.graceMs === 0 ? 0 : positive('graceMs', options.graceMs, DEFAULT_SOURCE_GRACE_MS);
  }

  /** Starts polling (and watching); the first look at the source happens now. */
  start(): void {
    if (this.interval || this.closed) return;
    this.interval = setInterval(() => void this.check(), this.pollIntervalMs);
    this.interval.unref();
    void this.check();
  }

  /** True while the source has been unreadable for longer than the grace. */
  get stale(): boolean {
    return this.down?.stale ?? false;
  }

  /** Looks at the source now; one look at a time, and a request during one gets exactly one more. */
  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.looks.request();
  }

  /** Stops polling and watching. */
  close(): void {
    this.closed = true;
    if (this.interval) clearInterval(this.interval);
    if (this.debounce) clearTimeout(this.debounce);
    this.interval = this.debounce = undefined;
    for (const { watcher } of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private async checkOnce(): Promise<void> {
    let snapshot: SourceSnapshot;
    try {
      snapshot = await withDeadline(this.options.snapshot(), this.checkTimeoutMs);
    } catch (e) {
      if (this.closed) return;
      this.sourceDown(asEngineError(e));
      this.emit({ kind: 'checked', at: new Date(), healthy: false });
      return;
    }
    if (this.closed) return;
    if (this.down) {
      const downMs = Date.now() - this.down.since;
      this.down = undefined;
      this.emit({ kind: 'restored', downMs });
    }
    this.emit({ kind: 'checked', at: new Date(), healthy: true });
    this.reloadWhenSettled(snapshot.digest);
    if (this.options.events !== false) this.arm(snapshot.directories);
  }

  /**
   * Reloads once the changed source has looked the same twice, `debounceMs` apart, so a folder caught
   * mid-copy is not served half old and half new; a source that keeps changing is reloaded anyway
   * once its first change is a poll interval old, which keeps the bound on how late a change is seen.
   */
  private reloadWhenSettled(digest: string): void {
    if (digest === this.options.loadedDigest()) {
      this.settling = undefined;
      return;
    }
    const now = Date.now();
    if (this.settling && (this.settling.digest === digest || now - this.settling.since >= this.pollIntervalMs)) {
      this.settling = undefined;
      this.options.reload();
      return;
    }
    this.settling = { digest, since: this.settling?.since ?? now };
    this.schedule();
  }

  private sourceDown(error: EngineError): void {
    const now = Date.now();
    if (!this.down) {
      this.down = { since: now, stale: false };
      this.emit({ kind: 'unreadable', error });
    }
    const downMs = now - this.down.since;
    if (!this.down.stale && this.graceMs !== false && downMs >= this.graceMs) {
      this.down.stale = true;
      this.emit({ kind: 'stale', error, downMs });
    }
  }

  /** Watches exactly the folders of the last snapshot, re-arming any whose inode changed. */
  private arm(directories: readonly WatchedDirectory[]): void {
    const wanted = new Map(directories.map((d) => [d.path, d.key]));
    for (const [path, entry] of this.watchers) {
      if (wanted.get(path) === entry.key) continue;
      entry.watcher.close();
      this.watchers.delete(path);
    }
    for (const [path, key] of wanted) {
      if (this.watchers.has(path) || this.failedWatches.has(`${path}\0${key}`)) continue;
      try {
        const watcher = watch(path, { persistent: false }, () => this.schedule());
        watcher.on('error', (error) => {
          watcher.close();
          if (this.watchers.get(path)?.watcher === watcher) this.watchers.delete(path);
          if (!this.closed) this.emit({ kind: 'watch_failed', path, error });
        });
        this.watchers.set(path, { watcher, key });
      } catch (e) {
        this.failedWatches.add(`${path}\0${key}`);
        this.emit({ kind: 'watch_failed', path, error: e instanceof Error ? e : new Error(String(e)) });
      }
    }
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.check();
    }, this.debounceMs);
    this.debounce.unref();
  }

  private emit(event: SourceEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A failing observer must not stop the watcher.
    }
  }
}
