import { Counter, Gauge, type Registry } from 'prom-client';

/** How a bundle poll ended, the label of `warden_bundle_downloads_total`. */
export type BundleDownloadResult = 'ok' | 'not_modified' | 'error' | 'refused';

/**
 * The bundle downloader's metrics (registered only when `bundleService` is set):
 * `warden_bundle_downloads_total{result}` (ok, not_modified, error, refused),
 * `warden_bundle_last_download_timestamp_seconds` (the last 200 that activated, or 304) and
 * `warden_bundle_active_revision{revision}` (1 for the revision from the server or its cache). The
 * serving revision itself is `warden_policy_revision`, as for every source.
 */
export class BundleDownloadMetrics {
  readonly downloads: Counter<'result'>;
  readonly lastDownload: Gauge;
  readonly activeRevision: Gauge<'revision'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.downloads = new Counter({ name: 'warden_bundle_downloads_total', help: 'Polls of the bundle server, by result (ok, not_modified, error, refused).', labelNames: ['result'], registers });
    for (const result of ['ok', 'not_modified', 'error', 'refused'] as const) this.downloads.inc({ result }, 0);
    this.lastDownload = new Gauge({ name: 'warden_bundle_last_download_timestamp_seconds', help: 'When the bundle server last answered with a bundle that activated, or 304 (0: never).', registers });
    this.activeRevision = new Gauge({ name: 'warden_bundle_active_revision', help: 'The revision activated from the bundle server or its cache (value 1).', labelNames: ['revision'], registers });
  }

  /** Counts one poll; a success also moves the last-download time. */
  recordPoll(result: BundleDownloadResult, at: Date): void {
    this.downloads.inc({ result });
    if (result === 'ok' || result === 'not_modified') this.lastDownload.set(at.getTime() / 1000);
  }

  /** Records the revision now active from the bundle service. */
  recordActive(revision: string): void {
    this.activeRevision.reset();
    this.activeRevision.set({ revision }, 1);
  }
}
