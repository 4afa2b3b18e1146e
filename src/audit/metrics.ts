import { Counter, Gauge, Registry } from 'prom-client';
import { TallyHistogram, type RegisteredMetric } from './tally-histogram.js';

/** Which API a decision was made for. */
export type DecisionApi = 'authorizer' | 'envoy';

/** Result label of `warden_decisions_total`. */
export type DecisionResult = 'allow' | 'deny' | 'error';

/** A counter that takes what `take` tallied since the last scrape whenever it is read. */
function tallyCounter(name: string, help: string, registry: Registry, take: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.inc(take());
    },
  });
}

/**
 * Warden's metrics, in a registry of their own (so several servers can run in one process):
 * `warden_decisions_total{api,result}`, `warden_decision_duration_seconds{api}`,
 * `warden_cache_hits_total`, `warden_cache_misses_total`, `warden_policy_reloads_total`,
 * `warden_policy_reload_failures_total`, `warden_policy_revision{revision}` (1 for the serving one)
 * and `warden_policy_revision_loaded_timestamp_seconds`.
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
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  readonly reloads: Counter;
  readonly reloadFailures: Counter;
  readonly revision: Gauge<'revision'>;
  readonly revisionLoadedAt: Gauge;
  readonly budgetExceeded: Counter<'stage'>;

  // Per-decision counts are tallied in plain numbers and handed to prom-client when it is scraped
  // (its own inc() validates and hashes labels on every call).
  private readonly decisionTally: Record<DecisionApi, Record<DecisionResult, number>> = {
    authorizer: { allow: 0, deny: 0, error: 0 },
    envoy: { allow: 0, deny: 0, error: 0 },
  };
  private hitTally = 0;
  private missTally = 0;

  constructor() {
    const registers = [this.registry];
    const tally = this.decisionTally;
    this.decisions = new Counter({
      name: 'warden_decisions_total',
      help: 'Decisions made, by API and result.',
      labelNames: ['api', 'result'],
      registers,
      collect() {
        for (const api of ['authorizer', 'envoy'] as const) {
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
    this.reloads = new Counter({ name: 'warden_policy_reloads_total', help: 'Policy revisions loaded and swapped in.', registers });
    this.reloadFailures = new Counter({ name: 'warden_policy_reload_failures_total', help: 'Policy revisions that failed to compile or load.', registers });
    this.revision = new Gauge({ name: 'warden_policy_revision', help: 'The serving policy revision (value 1).', labelNames: ['revision'], registers });
    this.revisionLoadedAt = new Gauge({ name: 'warden_policy_revision_loaded_timestamp_seconds', help: 'When the serving revision was loaded.', registers });
    this.budgetExceeded = new Counter({
      name: 'warden_evaluation_budget_exceeded_total',
      help: 'Decisions denied for running past the evaluation budget (running: its worker was replaced) or waiting past it for a worker (waiting).',
      labelNames: ['stage'],
      registers,
    });
  }

  /** Counts one decision and observes its latency. */
  recordDecision(api: DecisionApi, result: DecisionResult, seconds: number): void {
    this.decisionTally[api][result]++;
    this.decisionDuration.observe(api, seconds);
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

  /** Counts a decision denied for its evaluation budget. */
  recordBudgetExceeded(stage: 'running' | 'waiting'): void {
    this.budgetExceeded.inc({ stage });
  }

  /** Records a revision that did not compile or load. */
  recordReloadFailure(): void {
    this.reloadFailures.inc();
  }
}
