import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import { CoalescingRun } from '../engine/coalescing-run.js';
import { PolicyWatcher, SourceFingerprinter } from '../engine/index.js';
import { ShadowError } from './errors.js';
import type { ShadowEvaluator } from './shadow-evaluator.js';
import type { ShadowMetrics } from './shadow-metrics.js';
import { loadShadowCandidate, type ShadowCandidate } from './shadow-source.js';

/** What a reload of the shadow candidate came to. */
export type ShadowReloadResult = { ok: true; revision: string; changed: boolean } | { ok: false; error: ShadowError };

/** Options of {@link ShadowReloader}. */
export interface ShadowReloaderOptions {
  /** The shadow's policy directory or bundle file. */
  source: string;
  /** The live entrypoints, which the candidate must have. */
  entrypoints: string[];
  evaluator: ShadowEvaluator;
  metrics: Pick<ShadowMetrics, 'reloadFailures'>;
  logger: Pick<Logger, 'info' | 'error' | 'warn'>;
  /** How often the watched source is fingerprinted (the live policy's `policyPollIntervalMs`). */
  pollIntervalMs?: number;
  /** Loads a candidate (default: {@link loadShadowCandidate}); tests count calls. */
  load?: (source: string, entrypoints: string[]) => Promise<ShadowCandidate>;
}

function asShadowError(e: unknown): ShadowError {
  return e instanceof ShadowError ? e : new ShadowError('shadow_policy_failed', (e as Error)?.message ?? String(e), { cause: e });
}

/**
 * Keeps the shadow candidate current, as the live policy is: {@link reload} (SIGHUP) recompiles it
 * from its source, and {@link watch} reloads it whenever the source's content changes, with the
 * same content fingerprinting and polling as the live policy's watcher. A candidate that fails to
 * load (a compile error, a missing entrypoint, a source gone) is logged and counted, and the last
 * good one keeps being evaluated; the live answers never wait for any of it.
 *
 * @example
 * const reloader = new ShadowReloader({ source: 'candidate/', entrypoints, evaluator, metrics, logger });
 * reloader.watch();
 * await reloader.reload(); // → { ok: true, revision, changed }
 */
export class ShadowReloader {
  private readonly fingerprinter: SourceFingerprinter;
  private readonly runs: CoalescingRun<ShadowReloadResult>;
  private loadedDigest: string | undefined;
  private watcher: PolicyWatcher | undefined;
  private closed = false;

  constructor(private readonly options: ShadowReloaderOptions) {
    this.fingerprinter = new SourceFingerprinter(ShadowReloader.isBundle(options.source) ? { bundle: options.source } : { policies: options.source });
    this.runs = new CoalescingRun(() => this.reloadOnce(), () => this.closed);
  }

  /** A source that is not a directory is a bundle file (as `--shadow` reads it). */
  private static isBundle(source: string): boolean {
    try {
      return !statSync(source).isDirectory();
    } catch {
      return false;
    }
  }

  /** Recompiles the candidate now and evaluates it from then on if it loads; never rejects. */
  reload(): Promise<ShadowReloadResult> {
    return this.runs.request();
  }

  /** Records the source as loaded now (the start compiled it), so the watcher reloads only on change. */
  async markLoaded(): Promise<void> {
    this.loadedDigest = await this.fingerprinter.snapshot().then(
      (s) => s.digest,
      () => undefined,
    );
  }

  private async reloadOnce(): Promise<ShadowReloadResult> {
    const { source, entrypoints, evaluator, logger } = this.options;
    // Taken before reading, so a change made during the load is a difference the next poll sees.
    await this.markLoaded();
    let result: ShadowReloadResult;
    try {
      const candidate = await (this.options.load ?? loadShadowCandidate)(source, entrypoints);
      const changed = candidate.revision !== evaluator.revision;
      if (changed && !this.closed) {
        evaluator.swapCandidate(candidate);
        logger.info({ shadow: source, revision: candidate.revision }, 'shadow revision reloaded');
      }
      result = { ok: true, revision: candidate.revision, changed };
    } catch (e) {
      const error = asShadowError(e);
      this.options.metrics.reloadFailures.inc();
      logger.error({ code: error.code, shadow: source, revision: evaluator.revision }, `shadow reload failed, the last good candidate keeps being evaluated: ${error.message}`);
      result = { ok: false, error };
    }
    return result;
  }

  /** Watches the source and reloads on change, until {@link close}. */
  watch(): void {
    if (this.watcher || this.closed) return;
    this.watcher = new PolicyWatcher({
      snapshot: () => this.fingerprinter.snapshot(),
      loadedDigest: () => this.loadedDigest,
      reload: () => void this.reload(),
      pollIntervalMs: this.options.pollIntervalMs,
      graceMs: false,
      onEvent: (event) => {
        if (event.kind === 'unreadable') this.options.logger.warn({ shadow: this.options.source }, `shadow source unreadable, the last good candidate keeps being evaluated: ${event.error.message}`);
      },
    });
    this.watcher.start();
  }

  /** Stops watching; a reload under way finishes but swaps nothing in. */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    await this.runs.current?.catch(() => undefined);
  }
}
