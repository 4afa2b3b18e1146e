import { wardenVersion } from '../warden-version.js';
import type { InstanceLabels } from '../audit/instance-labels.js';
import type { PolicyRevision } from '../engine/revision.js';

/** What the status report reads from the running server. */
export interface StatusSources {
  labels: InstanceLabels;
  /** The revision serving now, if any. */
  revision: () => PolicyRevision | undefined;
  /** With a bundle service: its URL and when its last download succeeded (a 200 that activated, or a 304). */
  bundleService?: { url: string; lastSuccessAt: () => Date | undefined };
  /** With Redis: whether shared state is answered by Redis now. */
  sharedStateUp?: () => boolean | undefined;
  /** With a decision-log service: records dropped so far. */
  decisionLogDrops?: () => number;
}

type PluginState = { state: 'OK' | 'NOT_READY' | 'ERR' };

/**
 * A status report in the shape of OPA's status API (`labels`, `bundles.<name>` with
 * `active_revision`, `last_successful_activation`, `last_successful_download`, `plugins.<name>.state`),
 * so that what reads OPA's status reads Warden's. The one bundle is named `warden`.
 */
export function statusReport(sources: StatusSources): Record<string, unknown> {
  const revision = sources.revision();
  const bundle: Record<string, unknown> = { name: 'warden', active_revision: revision?.id ?? '' };
  if (revision) bundle.last_successful_activation = revision.loadedAt.toISOString();
  bundle.source = sources.bundleService?.url ?? revision?.source ?? '';
  const downloaded = sources.bundleService?.lastSuccessAt();
  if (downloaded) bundle.last_successful_download = downloaded.toISOString();
  const plugins: Record<string, PluginState> = { bundle: { state: revision ? 'OK' : 'NOT_READY' } };
  if (sources.decisionLogDrops) plugins.decision_logs = { state: 'OK' };
  const shared = sources.sharedStateUp?.();
  if (sources.sharedStateUp) plugins.shared_state = { state: shared ? 'OK' : 'ERR' };
  return {
    labels: { ...sources.labels, app: 'warden', version: wardenVersion() },
    bundles: { warden: bundle },
    plugins,
  };
}
