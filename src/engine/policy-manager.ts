import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Engine } from './engine.js';
import { EngineError } from './errors.js';
import { loadRevision, type PolicySourceOptions } from './policy-loader.js';
import type { PolicyRevision } from './revision.js';

/** What happened on one (re)load. */
export type ReloadResult =
  | { ok: true; revision: PolicyRevision; changed: boolean }
  | { ok: false; error: EngineError };

/** Options of {@link PolicyManager}. */
export interface PolicyManagerOptions extends PolicySourceOptions {
  /** Quiet time after the last file event before a reload starts (default 100 ms). */
  debounceMs?: number;
  /** Called after every load attempt, successful or not. */
  onReload?: (result: ReloadResult) => void;
}

function asEngineError(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  return new EngineError('engine_load_failed', e instanceof Error ? e.message : String(e), { cause: e });
}

/**
 * Loads the policy into an {@link Engine} and keeps it current: the directory (or bundle file) is
 * watched, and a change is compiled and loaded beside the serving revision, then swapped in.
 * A revision that fails keeps the last good one serving. Reloads never overlap: changes that arrive
 * during one are picked up by exactly one more.
 *
 * @example
 * const manager = new PolicyManager(engine, { policies: 'policies/', entrypoints, compiler, onReload: log });
 * await manager.load();
 * manager.watch();
 */
export class PolicyManager {
  private readonly engine: Engine;
  private readonly options: PolicyManagerOptions;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReloadResult> | undefined;
  private pending = false;
  private closed = false;

  constructor(engine: Engine, options: PolicyManagerOptions) {
    this.engine = engine;
    this.options = options;
  }

  /** Loads a revision now and swaps it in if it differs from the serving one. */
  async load(): Promise<ReloadResult> {
    if (this.running) {
      this.pending = true;
      return this.running;
    }
    this.running = this.loadOnce().finally(() => {
      this.running = undefined;
      if (this.pending && !this.closed) {
        this.pending = false;
        void this.load();
      }
    });
    return this.running;
  }

  private async loadOnce(): Promise<ReloadResult> {
    let result: ReloadResult;
    try {
      const revision = await loadRevision(this.options);
      const current = this.engine.revision;
      const changed = current?.id !== revision.id;
      if (changed && !this.closed) this.engine.swap(revision);
      result = { ok: true, revision: changed ? revision : current!, changed };
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

  /** Starts watching the policy source; a change triggers a debounced {@link load}. */
  watch(): void {
    if (this.watcher || this.closed) return;
    const target = this.options.bundle ?? this.options.policies;
    if (!target) return;
    const onEvent = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.load();
      }, this.options.debounceMs ?? 100);
    };
    try {
      if (this.options.bundle) {
        // Watch the folder: bundles are usually replaced by rename, which a file watch would miss.
        const name = basename(this.options.bundle);
        this.watcher = watch(dirname(resolve(this.options.bundle)), (_event, file) => {
          if (file === null || file === name) onEvent();
        });
      } else {
        this.watcher = watch(target, { recursive: true }, onEvent);
      }
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
      this.watcher.unref();
    } catch {
      this.watcher = undefined;
    }
  }

  /** Stops watching; a reload in progress finishes but swaps nothing in. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.running?.catch(() => undefined);
  }
}
