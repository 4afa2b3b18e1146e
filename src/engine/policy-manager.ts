import type { Engine } from './engine.js';
import { EngineError } from './errors.js';
import { loadRevision, type PolicySourceOptions } from './policy-loader.js';
import { PolicyWatcher, withDeadline, type SourceEvent } from './policy-watcher.js';
import type { PolicyRevision } from './revision.js';
import { SourceFingerprinter } from './source-fingerprint.js';
import { CoalescingRun } from './coalescing-run.js';

/** What happened on one (re)load. */
export type ReloadResult =
  | { ok: true; revision: PolicyRevision; changed: boolean }
  | { ok: false; error: EngineError };

/** Options of {@link PolicyManager}. */
export interface PolicyManagerOptions extends PolicySourceOptions {
  /** Quiet time after the last file event before a reload starts (default 100 ms). */
  debounceMs?: number;
  /** How often the watched source is fingerprinted (default 1000 ms): the bound on how late a change is seen. */
  pollIntervalMs?: number;
  /** How long the watched source may stay gone or unreadable before a `stale` event (default 30 s; false: never). */
  sourceGraceMs?: number | false;
  /** Also watch folders for change events, to reload before the next poll (default true). */
  watchEvents?: boolean;
  /**
   * Brings a loaded revision that differs from the serving one into service and returns the revision
   * then serving (default: swapped into the engine as it is). The service readies its evaluation
   * threads here, so that the swap is one step.
   */
  activate?: (revision: PolicyRevision) => Promise<PolicyRevision>;
  /** Called after every load attempt, successful or not. */
  onReload?: (result: ReloadResult) => void;
  /** Called with what the watcher sees of the source (heartbeat, unreadable, stale, restored, watch failures). */
  onSourceEvent?: (event: SourceEvent) => void;
}

/** How long a load waits for the source's fingerprint before loading without one (the next poll reloads). */
const SNAPSHOT_DEADLINE_MS = 10_000;

function asEngineError(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  return new EngineError('engine_load_failed', e instanceof Error ? e.message : String(e), { cause: e });
}

/**
 * Loads the policy into an {@link Engine} and keeps it current: the directory (or bundle file) is
 * watched by content (see {@link PolicyWatcher}), and a change is compiled and loaded beside the
 * serving revision, then swapped in. A revision that fails, or a source that is gone, keeps the last
 * good one serving. Reloads never overlap: changes that arrive during one are picked up by exactly one more.
 *
 * @example
 * const manager = new PolicyManager(engine, { policies: 'policies/', entrypoints, compiler, onReload: log });
 * await manager.load();
 * manager.watch();
 */
export class PolicyManager {
  private readonly engine: Engine;
  private readonly options: PolicyManagerOptions;
  private readonly fingerprinter: SourceFingerprinter;
  private watcher: PolicyWatcher | undefined;
  /** The source's digest when the last load started reading it: the watcher reloads when it differs. */
  private loadedDigest: string | undefined;
  private readonly reloads = new CoalescingRun(() => this.loadOnce(), () => this.closed);
  /** The id of the last revision loaded and activated (the serving one may carry data writes on top). */
  private activeId: string | undefined;
  private closed = false;

  constructor(engine: Engine, options: PolicyManagerOptions) {
    this.engine = engine;
    this.options = options;
    this.fingerprinter = new SourceFingerprinter(options);
  }

  /** Loads a revision now and swaps it in if it differs from the serving one. */
  load(): Promise<ReloadResult> {
    return this.reloads.request();
  }

  private async loadOnce(): Promise<ReloadResult> {
    let result: ReloadResult;
    // Taken before reading, so a change made during the load is a difference the next poll sees.
    this.loadedDigest = await withDeadline(this.fingerprinter.snapshot(), SNAPSHOT_DEADLINE_MS).then(
      (s) => s.digest,
      () => undefined,
    );
    try {
      const revision = await loadRevision(this.options);
      const current = this.engine.revision;
      const changed = current === undefined || this.activeId !== revision.id;
      let serving = changed ? revision : current!;
      if (changed && !this.closed) {
        serving = this.options.activate ? await this.options.activate(revision) : (this.engine.swap(revision), revision);
        this.activeId = revision.id;
      }
      result = { ok: true, revision: serving, changed };
    } catch (e) {
      result = { ok: false, error: asEngineError(e) };
    }
    try {
      this.options.onReload?.(result);
    } catch {
      // A failing observer must not stop reloads.
    }
    return result;
  }

  /**
   * Starts watching the policy source: it is fingerprinted every `pollIntervalMs` (and on folder
   * events), and a difference from what was last loaded triggers a {@link load}.
   *
   * @throws EngineError `engine_invalid_config` for a poll interval, debounce or grace that is not positive
   */
  watch(): void {
    if (this.watcher || this.closed) return;
    if (!(this.options.bundle ?? this.options.policies)) return;
    this.watcher = new PolicyWatcher({
      snapshot: () => this.fingerprinter.snapshot(),
      loadedDigest: () => this.loadedDigest,
      reload: () => void this.load(),
      pollIntervalMs: this.options.pollIntervalMs,
      debounceMs: this.options.debounceMs,
      graceMs: this.options.sourceGraceMs,
      events: this.options.watchEvents,
      onEvent: this.options.onSourceEvent,
    });
    this.watcher.start();
  }

  /** True while the watched source has been gone or unreadable for longer than `sourceGraceMs`. */
  get sourceStale(): boolean {
    return this.watcher?.stale ?? false;
  }

  /** Stops watching; a reload in progress finishes but swaps nothing in. */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    await this.reloads.current?.catch(() => undefined);
  }
}
