import { Counter, Gauge, Registry } from 'prom-client';
import type { CredentialKind } from '../credentials/credential-watch.js';
import { DECISION_APIS, type DecisionApi } from './decision-api.js';
import { ProtectionMetrics } from './protection-metrics.js';
import type { RotationOperation } from './rotating-file.js';
import { tallyCounter } from './tally-counter.js';
import { TallyHistogram, type RegisteredMetric } from './tally-histogram.js';


/** Reason label of `warden_policy_watch_failures_total`. */
export type WatchFailureReason = 'source_unreadable' | 'watch_error';
const WATCH_FAILURE_REASONS: readonly WatchFailureReason[] = ['source_unreadable', 'watch_error'];

const DECISION_LOG_FILE_OPERATIONS: readonly RotationOperation[] = ['open', 'rotate', 'retention'];

/**
 * Reason label of `warden_decision_log_dropped_total` for records the decision-log service lost:
 * `buffer_full` (oldest dropped while the collector was slow or down), `rejected` (a 4xx answer),
 * `too_large` (one record over the batch limit), `shutdown` (not delivered within the bound at stop).
 */
export type LogServiceDropReason = 'buffer_full' | 'rejected' | 'too_large' | 'shutdown';
const LOG_SERVICE_DROP_REASONS: readonly LogServiceDropReason[] = ['buffer_full', 'rejected', 'too_large', 'shutdown'];

/** Result label of `warden_decisions_total`. */
export type DecisionResult = 'allow' | 'deny' | 'error';

/**
 * Reason label of `warden_envoy_rejected_requests_total`: what was wrong with an Envoy check that
 * was denied without asking the policy. `bad_check_request` is the proxy's side (bytes that are not
 * a CheckRequest, no HTTP request in it); the others are the downstream client's.
 */
export type EnvoyRejectReason = 'body_too_deep' | 'body_too_large' | 'path_too_long' | 'header_too_large' | 'malformed' | 'bad_check_request';

/** Every {@link EnvoyRejectReason}, so each series exists (at 0) from the first scrape. */
export const ENVOY_REJECT_REASONS: readonly EnvoyRejectReason[] = ['body_too_deep', 'body_too_large', 'path_too_long', 'header_too_large', 'malformed', 'bad_check_request'];
/** Reason label of `warden_tls_handshake_failures_total`. */
export type HandshakeFailure = 'timeout' | 'protocol' | 'certificate' | 'other';

/** Reason label of `warden_connections_closed_total`. */
export type ConnectionCloseReason = 'client_ca_rotated' | 'certificate_expired' | 'certificate_untrusted';

/**
 * Warden's metrics, in a registry of their own (so several servers can run in one process):
 * `warden_decisions_total{api,result}`, `warden_decision_duration_seconds{api}`,
 * `warden_cache_hits_total`, `warden_cache_misses_total`, `warden_policy_reloads_total`,
 * `warden_policy_reload_failures_total`, `warden_policy_revision{revision}` (1 for the serving one),
 * `warden_policy_revision_loaded_timestamp_seconds`, `warden_envoy_rejected_requests_total{reason}`, and the policy watcher's
 * `warden_policy_source_healthy`, `warden_policy_source_checked_timestamp_seconds` and
 * `warden_policy_watch_failures_total{reason}`, the decision log's `warden_decision_log_dropped_total`,
 * `warden_decision_log_worker_restarts_total` and `warden_decision_log_file_failures_total{operation}`; for connections
 * `warden_tls_reloads_total`, `warden_tls_reload_failures_total`,
 * `warden_tls_handshake_failures_total{reason}`, `warden_connections_refused_total`,
 * `warden_connections_closed_total{reason}` and `warden_connections_open`; and the countermeasures'
 * (see {@link ProtectionMetrics}).
 *
 * @example
 * const metrics = new WardenMetrics();
 * metrics.recordDecision('authorizer', 'allow', 0.0004);
 * const text = await metrics.registry.metrics();
 */
export class WardenMetrics {
  readonly registry = new Registry();
  readonly decisions: Counter<'api' | 'result'>;
  readonly decisionDuration: TallyHistogram<DecisionApi>;
  /** Ages of the credentials callers present, on every use, by kind. */
  readonly credentialAge: TallyHistogram<CredentialKind>;
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  /** Cache misses the serving thread decided itself, within a slice (see InlineEvaluator). */
  readonly servingThreadEvaluations: Counter;
  /** Evaluations on the serving thread that outlasted their slice and went to the workers. */
  readonly slicesUsedUp: Counter;
  readonly reloads: Counter;
  readonly reloadFailures: Counter;
  readonly revision: Gauge<'revision'>;
  readonly revisionLoadedAt: Gauge;
  readonly envoyRejections: Counter<'reason'>;
  readonly sourceHealthy: Gauge;
  readonly sourceCheckedAt: Gauge;
  readonly watchFailures: Counter<'reason'>;
  readonly decisionLogDropped: Counter<'reason'>;
  readonly decisionLogWorkerRestarts: Counter;
  readonly decisionLogFileFailures: Counter<'operation'>;
  readonly tlsReloads: Counter;
  readonly tlsReloadFailures: Counter;
  readonly handshakeFailures: Counter<'reason'>;
  readonly connectionsRefused: Counter;
  readonly connectionsClosed: Counter<'reason'>;
  readonly connectionsOpen: Gauge;
  private openConnections: () => number = () => 0;
  readonly budgetExceeded: Counter<'stage'>;
  /** The countermeasures' metrics (see ProtectionMetrics). */
  readonly protection: ProtectionMetrics;

  // Per-decision counts are tallied in plain numbers and handed to prom-client when it is scraped
  // (its own inc() validates and hashes labels on every call).
  private readonly decisionTally: Record<DecisionApi, Record<DecisionResult, number>> = {
    authorizer: { allow: 0, deny: 0, error: 0 },
    envoy: { allow: 0, deny: 0, error: 0 },
    http: { allow: 0, deny: 0, error: 0 },
    inprocess: { allow: 0, deny: 0, error: 0 },
    opa: { allow: 0, deny: 0, error: 0 },
  };
  private hitTally = 0;
  private missTally = 0;
  private servingThreadTally = 0;
  /** Readers of decision logs' dropped totals, and what of them the counter holds already. */
  private readonly dropSources: Array<{ read: () => number; counted: number }> = [];

  constructor() {
    const registers = [this.registry];
    const tally = this.decisionTally;
    this.decisions = new Counter({
      name: 'warden_decisions_total',
      help: 'Decisions made, by API and result.',
      labelNames: ['api', 'result'],
      registers,
      collect() {
        for (const api of DECISION_APIS) {
          for (const result of ['allow', 'deny', 'error'] as const) {
            this.inc({ api, result }, tally[api][result]);
            tally[api][result] = 0;
          }
        }
      },
    });
    this.decisionDuration = new TallyHistogram<DecisionApi>('warden_decision_duration_seconds', 'Time from request to decision.', 'api', [
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1,
    ]);
    this.registry.registerMetric(this.decisionDuration as unknown as RegisteredMetric);
    const hour = 3600;
    const day = 24 * hour;
    this.credentialAge = new TallyHistogram<CredentialKind>('warden_credential_age_seconds', 'Age of each credential presented (since notBefore, iat, or creation), by kind.', 'kind', [
      60, 300, 900, hour, 6 * hour, day, 3 * day, 7 * day, 30 * day, 90 * day, 365 * day,
    ]);
    this.registry.registerMetric(this.credentialAge as unknown as RegisteredMetric);
    this.cacheHits = tallyCounter('warden_cache_hits_total', 'Decisions answered from the decision cache.', this.registry, () => {
      const n = this.hitTally;
      this.hitTally = 0;
      return n;
    });
    this.cacheMisses = tallyCounter('warden_cache_misses_total', 'Decisions that had to evaluate the policy.', this.registry, () => {
      const n = this.missTally;
      this.missTally = 0;
      return n;
    });
    this.servingThreadEvaluations = tallyCounter('warden_serving_thread_evaluations_total', 'Cache misses decided on the thread that answers calls, each within a slice of work, rather than by an evaluation worker.', this.registry, () => {
      const n = this.servingThreadTally;
      this.servingThreadTally = 0;
      return n;
    });
    this.slicesUsedUp = new Counter({
      name: 'warden_evaluation_slices_used_up_total',
      help: 'Evaluations on the thread that answers calls that outlasted their slice of work: each went to an evaluation worker, and such evaluations paused there for a while.',
      registers,
    });
    this.reloads = new Counter({ name: 'warden_policy_reloads_total', help: 'Policy revisions loaded and swapped in.', registers });
    this.reloadFailures = new Counter({ name: 'warden_policy_reload_failures_total', help: 'Policy revisions that failed to compile or load.', registers });
    this.revision = new Gauge({ name: 'warden_policy_revision', help: 'The serving policy revision (value 1).', labelNames: ['revision'], registers });
    this.revisionLoadedAt = new Gauge({ name: 'warden_policy_revision_loaded_timestamp_seconds', help: 'When the serving revision was loaded.', registers });
    this.envoyRejections = new Counter({
      name: 'warden_envoy_rejected_requests_total',
      help: 'Envoy checks denied without asking the policy because the request was malformed or over a limit, by reason.',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of ENVOY_REJECT_REASONS) this.envoyRejections.inc({ reason }, 0);
    this.sourceHealthy = new Gauge({
      name: 'warden_policy_source_healthy',
      help: 'Whether the last look at the policy source could read it (1) or found it gone or unreadable (0; also 0 when it is not watched).',
      registers,
    });
    this.sourceCheckedAt = new Gauge({
      name: 'warden_policy_source_checked_timestamp_seconds',
      help: 'When the policy watcher last looked at the source: it should never lag by more than the poll interval.',
      registers,
    });
    this.watchFailures = new Counter({
      name: 'warden_policy_watch_failures_total',
      help: 'Policy watcher failures: source_unreadable (the source went missing or unreadable), watch_error (a folder could not be watched; polling continues).',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of WATCH_FAILURE_REASONS) this.watchFailures.inc({ reason }, 0);
    const dropSources = this.dropSources;
    // Unlabelled: the local log's drops (as before); labelled by reason: the log service's.
    this.decisionLogDropped = new Counter({
      name: 'warden_decision_log_dropped_total',
      help: 'Decision-log records lost: unlabelled, the local log (destination too slow or failing, or the log worker died holding them); by reason, the decision-log service (buffer_full, rejected, too_large, shutdown).',
      labelNames: ['reason'],
      registers,
      collect() {
        let grown = 0;
        for (const source of dropSources) {
          const total = source.read();
          grown += Math.max(0, total - source.counted);
          source.counted = Math.max(source.counted, total);
        }
        this.inc(grown);
      },
    });
    this.decisionLogWorkerRestarts = new Counter({
      name: 'warden_decision_log_worker_restarts_total',
      help: 'Times the decision-log worker thread died and was started again.',
      registers,
    });
    this.decisionLogFileFailures = new Counter({
      name: 'warden_decision_log_file_failures_total',
      help: 'Failures of the decision-log file, by operation: open (lines are dropped until it opens), rotate (lines go on to the current file), retention (rotated files past the retention could not be deleted).',
      labelNames: ['operation'],
      registers,
    });
    for (const operation of DECISION_LOG_FILE_OPERATIONS) this.decisionLogFileFailures.inc({ operation }, 0);
    this.tlsReloads = new Counter({ name: 'warden_tls_reloads_total', help: 'Rotated TLS files (certificate, key, client CA) checked and put to use.', registers });
    this.tlsReloadFailures = new Counter({ name: 'warden_tls_reload_failures_total', help: 'Rotated TLS files rejected; the last good ones kept serving.', registers });
    this.handshakeFailures = new Counter({ name: 'warden_tls_handshake_failures_total', help: 'TLS handshakes that failed or timed out, by reason.', labelNames: ['reason'], registers });
    this.connectionsRefused = new Counter({ name: 'warden_connections_refused_total', help: 'Connections closed at once because the connection cap was reached.', registers });
    this.connectionsClosed = new Counter({ name: 'warden_connections_closed_total', help: 'Live connections Warden closed because their client certificate no longer holds.', labelNames: ['reason'], registers });
    const open = () => this.openConnections();
    this.connectionsOpen = new Gauge({
      name: 'warden_connections_open',
      help: 'Connections past the TLS handshake and open now.',
      registers,
      collect() {
        this.set(open());
      },
    });
    this.budgetExceeded = new Counter({
      name: 'warden_evaluation_budget_exceeded_total',
      help: 'Decisions denied for running past the evaluation budget (running: its worker was replaced) or waiting past it for a worker (waiting).',
      labelNames: ['stage'],
      registers,
    });
    this.protection = new ProtectionMetrics(this.registry);
  }

  /** Counts, at each scrape, what `readDropped` (a decision log's running total of lost records) grew by. */
  observeDecisionLogDrops(readDropped: () => number): void {
    this.dropSources.push({ read: readDropped, counted: 0 });
  }

  /** Makes every reason of the decision-log service's drops show (at 0) from the first scrape. */
  observeLogServiceDrops(): void {
    for (const reason of LOG_SERVICE_DROP_REASONS) this.decisionLogDropped.inc({ reason }, 0);
  }

  /** Counts records the decision-log service lost, by reason. */
  recordLogServiceDrops(reason: LogServiceDropReason, count: number): void {
    if (count > 0) this.decisionLogDropped.inc({ reason }, count);
  }

  /** Counts one restart of the decision-log worker. */
  recordDecisionLogWorkerRestart(): void {
    this.decisionLogWorkerRestarts.inc();
  }

  /** Counts one failure to open, rotate or sweep the decision-log file. */
  recordDecisionLogFileFailure(operation: RotationOperation): void {
    this.decisionLogFileFailures.inc({ operation });
  }

  /** Counts one decision and observes its latency. */
  recordDecision(api: DecisionApi, result: DecisionResult, seconds: number): void {
    this.decisionTally[api][result]++;
    this.decisionDuration.observe(api, seconds);
  }

  /** Counts an evaluation on the serving thread that outlasted its slice. */
  recordSliceUsedUp(): void {
    this.slicesUsedUp.inc();
  }

  /** Counts a cache miss the serving thread decided itself. */
  recordServingThreadEvaluation(): void {
    this.servingThreadTally++;
  }

  /** Counts a cache lookup. */
  recordCache(hit: boolean): void {
    if (hit) this.hitTally++;
    else this.missTally++;
  }

  /** Records a swapped-in revision. */
  recordReload(revision: string): void {
    this.reloads.inc();
    this.revision.reset();
    this.revision.set({ revision }, 1);
    this.revisionLoadedAt.set(Date.now() / 1000);
  }

  /** Counts an Envoy check denied for what its request holds (see {@link EnvoyRejectReason}). */
  recordEnvoyRejection(reason: EnvoyRejectReason): void {
    this.envoyRejections.inc({ reason });
  }

  /** Counts a decision denied for its evaluation budget. */
  recordBudgetExceeded(stage: 'running' | 'waiting'): void {
    this.budgetExceeded.inc({ stage });
  }

  /** Records a revision that did not compile or load. */
  recordReloadFailure(): void {
    this.reloadFailures.inc();
  }

  /** Records one look at the policy source by the watcher. */
  recordSourceCheck(healthy: boolean, at: Date): void {
    this.sourceHealthy.set(healthy ? 1 : 0);
    this.sourceCheckedAt.set(at.getTime() / 1000);
  }

  /** Counts a policy watcher failure. */
  recordWatchFailure(reason: WatchFailureReason): void {
    this.watchFailures.inc({ reason });
  }

  /** Records rotated TLS files put to use. */
  recordTlsReload(): void {
    this.tlsReloads.inc();
  }

  /** Records rotated TLS files that were rejected. */
  recordTlsReloadFailure(): void {
    this.tlsReloadFailures.inc();
  }

  /** Records a failed or timed-out TLS handshake. */
  recordHandshakeFailure(reason: HandshakeFailure): void {
    this.handshakeFailures.inc({ reason });
  }

  /** Records a connection refused at the connection cap. */
  recordConnectionRefused(): void {
    this.connectionsRefused.inc();
  }

  /** Records a live connection closed by Warden. */
  recordConnectionClosed(reason: ConnectionCloseReason): void {
    this.connectionsClosed.inc({ reason });
  }

  /** Reads `warden_connections_open` from `count` at every scrape. */
  watchOpenConnections(count: () => number): void {
    this.openConnections = count;
  }
}
