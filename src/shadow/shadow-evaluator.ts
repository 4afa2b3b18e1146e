import type { Logger } from 'pino';
import type { DecisionShape } from '../engine/index.js';
import { decisionChange, type ChangeKind } from '../replay/index.js';
import type { CandidateDecision } from '../replay/candidate-policy.js';
import type { DisagreementKind, ShadowMetrics } from './shadow-metrics.js';
import { DISAGREEMENT_KINDS } from './shadow-metrics.js';
import { parseJsonExact } from '../engine/exact-json.js';

/** A live decision handed to the shadow: what it was made with and what it was. */
export interface ShadowJob {
  decisionId: string;
  entrypoint: string;
  shape: DecisionShape;
  live: CandidateDecision;
  /**
   * The policy input's JSON. A function, so that a decision whose input never reached this thread
   * (decided in the evaluation pool from the request's bytes) is rebuilt in the shadow's time, not the answer's.
   */
  inputJson: () => string | Promise<string>;
}

/** Evaluates the candidate revision on an input; may throw (counted as kind `error`). */
export type ShadowDecide = (input: unknown, entrypoint: string, shape: DecisionShape) => CandidateDecision | Promise<CandidateDecision>;

/** One disagreement, as the console will show it. */
export interface ShadowDisagreement {
  at: string;
  decisionId: string;
  kind: DisagreementKind;
  subject: string;
  service: string;
  action: string;
  live: CandidateDecision;
  /** The shadow's decision, or the error that stopped it. */
  shadow: CandidateDecision | { error: string };
}

/** What the console will need: counts since start and the last disagreements, newest last. */
export interface ShadowView {
  revision: string;
  sample: number;
  evaluations: number;
  dropped: number;
  logSuppressed: number;
  queued: number;
  disagreements: Record<DisagreementKind, number>;
  recent: readonly ShadowDisagreement[];
}

/** Cancels a timer made by {@link ShadowClock.setTimer}. */
type CancelTimer = () => void;

/** Time as the shadow sees it; tests pass a fake one. */
export interface ShadowClock {
  now(): number;
  /** Runs `fn` in a later turn of the event loop, after the I/O already waiting. */
  defer(fn: () => void): void;
  setTimer(fn: () => void, ms: number): CancelTimer;
}

export const SYSTEM_CLOCK: ShadowClock = {
  now: () => performance.now(),
  defer: (fn) => void setImmediate(fn),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface ShadowEvaluatorOptions {
  decide: ShadowDecide;
  /** The candidate's revision id, for the view. */
  revision: string;
  metrics: ShadowMetrics;
  logger: Pick<Logger, 'warn'>;
  /** Share of live decisions shadowed, 0–1 (default 1). */
  sample?: number;
  /** Decisions waiting beyond this are dropped and counted (default 1,000). */
  queueLimit?: number;
  /** Longest one shadow evaluation may take, in ms (default 100, as the live budget). */
  budgetMs?: number;
  /** Disagreement log lines per second at most (default 10); the rest are counted. */
  logLinesPerSecond?: number;
  /** Redacts the logged subject, service and action as the decision log would. */
  redact?: (value: unknown) => unknown;
  clock?: ShadowClock;
  random?: () => number;
}

export const SHADOW_DEFAULTS = { sample: 1, queueLimit: 1_000, budgetMs: 100, logLinesPerSecond: 10, recent: 100 } as const;

const KIND_OF_CHANGE: Record<ChangeKind, DisagreementKind> = { allow_to_deny: 'allow_to_deny', deny_to_allow: 'deny_to_allow', allow_reasons_changed: 'reasons' };

class BudgetExceeded extends Error {}

// Long enough to spread a turn's overhead over many evaluations, short enough that answers waiting behind it do not notice.
const DRAIN_SLICE_MS = 1;

function describe(inputJson: string | undefined): { subject: string; service: string; action: string } {
  try {
    const input = inputJson ? (JSON.parse(inputJson) as { subject?: { id?: unknown }; action?: unknown; resource?: { service?: unknown } }) : {};
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    return { subject: text(input.subject?.id), service: text(input.resource?.service), action: text(input.action) };
  } catch {
    return { subject: '', service: '', action: '' };
  }
}

/**
 * Evaluates a candidate revision beside the live one, off the answer's path: {@link offer} only
 * samples and queues (constant time, never throws); the queue drains one decision per event-loop
 * turn after the I/O waiting, so answers go first. Whatever the candidate does (throws, hangs,
 * runs long) is counted as kind `error` and never reaches a live answer.
 *
 * @example
 * const shadow = new ShadowEvaluator({ decide, revision, metrics, logger });
 * shadow.offer({ decisionId, entrypoint, shape: 'authz', live: { allowed, reasons }, inputJson: () => json });
 * shadow.view().disagreements.allow_to_deny;
 */
export class ShadowEvaluator {
  private readonly queue: ShadowJob[] = [];
  private readonly recentList: ShadowDisagreement[] = [];
  private readonly counts = { evaluations: 0, dropped: 0, logSuppressed: 0 };
  private readonly kinds = Object.fromEntries(DISAGREEMENT_KINDS.map((k) => [k, 0])) as Record<DisagreementKind, number>;
  private readonly clock: ShadowClock;
  private readonly random: () => number;
  private readonly settings: { sample: number; queueLimit: number; budgetMs: number; logLinesPerSecond: number };
  private draining = false;
  private stopped = false;
  private logSecond = -1;
  private logLinesThisSecond = 0;
  private idleWaiters: (() => void)[] = [];
  /** The candidate evaluated now: the one given, then each {@link swapCandidate} brings. */
  private candidate: { decide: ShadowDecide; revision: string };

  constructor(private readonly options: ShadowEvaluatorOptions) {
    this.candidate = { decide: options.decide, revision: options.revision };
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.random = options.random ?? Math.random;
    this.settings = {
      sample: options.sample ?? SHADOW_DEFAULTS.sample,
      queueLimit: options.queueLimit ?? SHADOW_DEFAULTS.queueLimit,
      budgetMs: options.budgetMs ?? SHADOW_DEFAULTS.budgetMs,
      logLinesPerSecond: options.logLinesPerSecond ?? SHADOW_DEFAULTS.logLinesPerSecond,
    };
  }

  /** Takes a live decision for later evaluation (or not: sampled out, queue full, stopped). */
  offer(job: ShadowJob): void {
    const { sample, queueLimit } = this.settings;
    if (this.stopped || sample <= 0 || (sample < 1 && this.random() >= sample)) return;
    if (this.queue.length >= queueLimit) {
      this.counts.dropped++;
      this.options.metrics.dropped.inc();
      return;
    }
    this.queue.push(job);
    if (!this.draining) {
      this.draining = true;
      this.clock.defer(() => this.drainOne());
    }
  }

  /** Counts since start and the last {@link SHADOW_DEFAULTS.recent} disagreements (the console's view). */
  view(): ShadowView {
    return {
      revision: this.candidate.revision,
      sample: this.settings.sample,
      ...this.counts,
      queued: this.queue.length,
      disagreements: { ...this.kinds },
      recent: [...this.recentList],
    };
  }

  /** The last disagreements, oldest first. */
  recent(): readonly ShadowDisagreement[] {
    return [...this.recentList];
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Evaluates later jobs with `candidate` (a reloaded shadow source); a job under way finishes
   * with the one it started with. Counts and recent disagreements are kept.
   */
  swapCandidate(candidate: { decide: ShadowDecide; revision: string }): void {
    this.candidate = { decide: candidate.decide, revision: candidate.revision };
  }

  /** The revision id of the candidate evaluated now. */
  get revision(): string {
    return this.candidate.revision;
  }

  /** Drops what is queued and takes nothing more. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /** Evaluates queued decisions for at most one slice of a turn, then yields to the I/O waiting. */
  private drainOne(): void {
    const sliceEnd = this.clock.now() + DRAIN_SLICE_MS;
    for (;;) {
      const job = this.queue.shift();
      if (!job) {
        this.draining = false;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        return;
      }
      const next = (): void => this.clock.defer(() => this.drainOne());
      const running = this.evaluate(job);
      if (running instanceof Promise) return void running.then(next);
      if (this.clock.now() >= sliceEnd) return next();
    }
  }

  /** Evaluates one job; synchronous when its input and the candidate are. Never rejects. */
  private evaluate(job: ShadowJob): void | Promise<void> {
    const started = this.clock.now();
    let inputJson: string | undefined;
    try {
      const input = job.inputJson();
      if (input instanceof Promise) return this.withinBudget(input.then((text) => ((inputJson = text), this.candidate.decide(parseJsonExact(text), job.entrypoint, job.shape)))).then(
        (shadow) => this.compare(job, inputJson, shadow),
        (e: unknown) => this.failed(job, inputJson, e),
      );
      inputJson = input;
      const shadow = this.candidate.decide(parseJsonExact(input), job.entrypoint, job.shape);
      if (shadow instanceof Promise) return this.withinBudget(shadow).then((s) => this.compare(job, inputJson, s), (e: unknown) => this.failed(job, inputJson, e));
      // A synchronous evaluation cannot be interrupted: its budget is judged once it ends, as the live engine's is.
      if (this.clock.now() - started > this.settings.budgetMs) throw new BudgetExceeded(`shadow evaluation budget of ${this.settings.budgetMs} ms exceeded`);
      this.compare(job, inputJson, shadow);
    } catch (e) {
      this.failed(job, inputJson, e);
    }
  }

  private withinBudget<T>(work: Promise<T>): Promise<T> {
    const { budgetMs } = this.settings;
    return new Promise<T>((resolve, reject) => {
      const cancel = this.clock.setTimer(() => reject(new BudgetExceeded(`shadow evaluation budget of ${budgetMs} ms exceeded`)), budgetMs);
      work.then(
        (value) => (cancel(), resolve(value)),
        (e: unknown) => (cancel(), reject(e)),
      );
    });
  }

  private compare(job: ShadowJob, inputJson: string | undefined, shadow: CandidateDecision): void {
    this.counted();
    const change = decisionChange(job.live, shadow);
    if (change !== undefined) this.disagree(job, inputJson, KIND_OF_CHANGE[change], { allowed: shadow.allowed, reasons: [...shadow.reasons] });
  }

  private failed(job: ShadowJob, inputJson: string | undefined, e: unknown): void {
    this.counted();
    this.disagree(job, inputJson, 'error', { error: e instanceof Error ? e.message : String(e) });
  }

  private counted(): void {
    this.counts.evaluations++;
    this.options.metrics.evaluations.inc();
  }

  private disagree(job: ShadowJob, inputJson: string | undefined, kind: DisagreementKind, shadow: ShadowDisagreement['shadow']): void {
    this.kinds[kind]++;
    this.options.metrics.disagreements.inc({ kind });
    const call = describe(inputJson);
    const shown = (this.options.redact ? this.options.redact(call) : call) as typeof call;
    const disagreement: ShadowDisagreement = { at: new Date().toISOString(), decisionId: job.decisionId, kind, ...shown, live: job.live, shadow };
    this.recentList.push(disagreement);
    if (this.recentList.length > SHADOW_DEFAULTS.recent) this.recentList.shift();
    this.log(disagreement);
  }

  private log(d: ShadowDisagreement): void {
    const second = Math.floor(this.clock.now() / 1000);
    if (second !== this.logSecond) {
      this.logSecond = second;
      this.logLinesThisSecond = 0;
    }
    if (this.logLinesThisSecond >= this.settings.logLinesPerSecond) {
      this.counts.logSuppressed++;
      this.options.metrics.logSuppressed.inc();
      return;
    }
    this.logLinesThisSecond++;
    this.options.logger.warn(
      { decision_id: d.decisionId, kind: d.kind, subject: d.subject, service: d.service, action: d.action, live: d.live, shadow: d.shadow, shadow_revision: this.candidate.revision },
      `shadow revision disagrees (${d.kind})`,
    );
  }
}
