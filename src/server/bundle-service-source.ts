import type { Logger } from 'pino';
import { BundleDownloader, deltaBundle, readBundleFiles, verifyBundleFiles, type Activated, type BundleServiceSettings, type DeltaBundle, type DownloaderEvent, type PollOutcome } from '../bundle/index.js';
import type { DataWriter } from './data-writer.js';
import { deltaOperations } from './delta-activation.js';
import { BundleDownloadMetrics, type WardenMetrics } from '../audit/index.js';
import { EngineError, loadBundleRevision, type Engine, type PolicyRevision, type PolicySourceOptions, type ReloadResult } from '../engine/index.js';

/** Options of {@link BundleServiceSource}. */
export interface BundleServiceSourceOptions {
  settings: BundleServiceSettings;
  /** `bundleCacheDir`: the last bundle that activated, served at a restart while the server is down. */
  cacheDir: string | undefined;
  /** Entrypoints, compiler and verification: bundles load exactly as a `--bundle` file does. */
  loading: Omit<PolicySourceOptions, 'bundle' | 'policies'>;
  engine: Engine;
  logger: Logger;
  metrics: WardenMetrics;
  /** Called after each bundle that activated or was refused, as the policy manager calls its own. */
  onReload: (result: ReloadResult) => void;
  /** Applies delta bundles in place; without it, a delta bundle is refused. */
  deltas?: DataWriter;
  /** Brings a new revision into service (see PolicyManagerOptions.activate); default: swapped into the engine. */
  activate?: (revision: PolicyRevision) => Promise<PolicyRevision>;
}

function asEngineError(e: unknown, code: EngineError['code']): EngineError {
  return e instanceof EngineError ? e : new EngineError(code, e instanceof Error ? e.message : String(e), { cause: e });
}

/**
 * The policy source of `bundleService`: a {@link BundleDownloader} whose bundles are loaded, verified
 * and swapped into the engine through the same path as a bundle file, with its downloads logged and
 * counted. Used by `startServer` in place of the policy manager.
 */
export class BundleServiceSource {
  private readonly options: BundleServiceSourceOptions;
  private readonly downloader: BundleDownloader;
  private readonly downloads: BundleDownloadMetrics;
  private started = false;
  private closed = false;

  /** @throws OutboundError when the TLS files of `settings.tls` cannot be read or used */
  constructor(options: BundleServiceSourceOptions) {
    this.options = options;
    this.downloads = new BundleDownloadMetrics(options.metrics.registry);
    this.downloader = new BundleDownloader({
      settings: options.settings,
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      activate: (bytes, where) => this.activate(bytes, where),
      onEvent: (event) => this.record(event),
    });
  }

  /** When the last download succeeded (a 200 that activated, or a 304). */
  get lastSuccessAt(): Date | undefined {
    return this.downloader.lastSuccessAt;
  }

  /**
   * The first call downloads the bundle (or falls back to the cache) and starts polling; later calls
   * (SIGHUP, `reload()`) poll now.
   */
  async load(): Promise<ReloadResult> {
    const current = () => this.options.engine.revision;
    if (!this.started) {
      this.started = true;
      try {
        await this.downloader.start();
        return { ok: true, revision: current()!, changed: true };
      } catch (e) {
        return { ok: false, error: asEngineError(e, 'engine_policy_files') };
      }
    }
    const outcome = await this.downloader.pollNow();
    if (outcome.result === 'ok' || outcome.result === 'not_modified') return { ok: true, revision: current()!, changed: outcome.result === 'ok' };
    return { ok: false, error: asEngineError(outcome.error, 'engine_policy_files') };
  }

  /** Stops polling; a download in flight is aborted. */
  async close(): Promise<void> {
    this.closed = true;
    await this.downloader.close();
  }

  private async activate(bytes: Buffer, where: string): Promise<string | Activated> {
    const { engine, loading, onReload } = this.options;
    let delta: DeltaBundle | undefined;
    let files: Map<string, Buffer> | undefined;
    try {
      files = await readBundleFiles(bytes);
      delta = deltaBundle(files);
      if (delta && loading.verification) await verifyBundleFiles(files, loading.verification);
    } catch (e) {
      // A snapshot that cannot be read is refused by the loader below, with the loader's own words.
      if (delta) return this.refuse(new EngineError('engine_bundle_unverified', `delta bundle ${where} refused: ${(e as Error).message}`, { cause: e }));
    }
    if (delta) return { revision: await this.applyDelta(delta, where), cacheable: false };
    let revision;
    try {
      // The archive is read once: a snapshot's files go on to the loader as they are.
      revision = await loadBundleRevision(bytes, where, loading, files);
    } catch (e) {
      const error = asEngineError(e, 'engine_load_failed');
      onReload({ ok: false, error });
      throw error;
    }
    if (this.closed) throw new EngineError('engine_load_failed', 'bundle downloader closed before the bundle was swapped in');
    const changed = engine.revision?.id !== revision.id;
    if (changed) {
      try {
        revision = this.options.activate ? await this.options.activate(revision) : (engine.swap(revision), revision);
      } catch (e) {
        const error = asEngineError(e, 'engine_load_failed');
        onReload({ ok: false, error });
        throw error;
      }
    }
    this.downloads.recordActive(revision.id);
    onReload({ ok: true, revision: changed ? revision : engine.revision!, changed });
    return revision.id;
  }

  /**
   * Applies a delta bundle's patch in place on top of the serving revision (see DataWriter), which
   * then serves as the delta's revision; refused, with the last good revision serving, when no
   * snapshot is active, a path lies outside the delta's roots, or the patch does not apply.
   */
  private async applyDelta(delta: DeltaBundle, where: string): Promise<string> {
    const { engine, deltas, logger } = this.options;
    if (!engine.revision) return this.refuse(new EngineError('engine_load_failed', `delta bundle ${where} refused: no snapshot bundle is active to apply it to`));
    if (!deltas) return this.refuse(new EngineError('engine_load_failed', `delta bundle ${where} refused: this server does not apply delta bundles`));
    const revision = delta.manifest.revision || '';
    try {
      const { revision: id } = await deltas.applyDelta(deltaOperations(delta), revision, { who: where, method: 'delta bundle' });
      this.downloads.recordActive(id);
      logger.info({ revision: id, url: where, operations: delta.operations.length }, 'delta bundle applied in place');
      return id;
    } catch (e) {
      return this.refuse(new EngineError('engine_load_failed', `delta bundle ${where} (revision ${JSON.stringify(revision)}) refused: ${(e as Error).message}`, { cause: e }));
    }
  }

  /** Reports `error` as a refused bundle (logged by onReload, the last good revision serving) and throws it. */
  private refuse(error: EngineError): never {
    this.options.onReload({ ok: false, error });
    throw error;
  }

  private record(event: DownloaderEvent): void {
    const { logger, settings } = this.options;
    const url = settings.url;
    switch (event.kind) {
      case 'poll':
        this.downloads.recordPoll(event.outcome.result, event.at);
        this.logPoll(event.outcome, event.nextInMs);
        return;
      case 'cache_activated':
        logger.warn({ revision: event.revision, downloaded_at: event.downloadedAt || undefined, url }, `no bundle from the server at start (${event.downloadError.message}): serving the cached bundle, polling continues`);
        return;
      case 'cache_refused':
        logger.error({ url }, `cached bundle refused: ${event.error.message}`);
        return;
      case 'cache_write_failed':
        logger.warn({ url }, `bundle activated but not cached (a restart while the server is down would have no bundle): ${event.error.message}`);
    }
  }

  private logPoll(outcome: PollOutcome, nextInMs: number): void {
    const { logger, settings } = this.options;
    const url = settings.url;
    const next_poll_ms = nextInMs;
    const serving = this.options.engine.revision ? 'last good revision keeps serving' : 'no revision yet';
    switch (outcome.result) {
      case 'ok':
        logger.info({ url, revision: outcome.revision, bytes: outcome.bytes, next_poll_ms }, 'bundle downloaded and activated');
        return;
      case 'not_modified':
        logger.debug({ url, next_poll_ms }, 'bundle not modified');
        return;
      case 'refused':
        // onReload has logged why, with the compiler's diagnostics, as for a bundle file.
        logger.debug({ url, next_poll_ms }, `bundle downloaded but refused, ${serving}: ${outcome.error.message}`);
        return;
      case 'error':
        logger.warn({ url, next_poll_ms }, `bundle download failed, ${serving}: ${outcome.error.message}`);
    }
  }
}
