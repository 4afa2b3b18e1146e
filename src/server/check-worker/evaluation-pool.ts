import { BUDGET_EXCEEDED, DataWriteError, EngineError, type DataOperation, type DecisionCacheOptions, type DecisionShape, type PolicyRevision, type RevisionParts, revisionBytes } from '../../engine/index.js';
import { fanOutDataWrites } from './pool-data-writes.js';
import { runawayCapMs } from './runaway-cap.js';
import type { RequestLimits } from '../config.js';
import { PoolWorker, type PoolJob, type PoolResult, type PoolWorkerData, type PoolWorkerEvents } from './pool-worker.js';
import { encodeJob, type CheckResult } from './wire.js';

export type { PoolResult } from './pool-worker.js';

/** The reason of a decision still pending when the pool stopped. */
export const SHUTTING_DOWN = 'server is shutting down';
/** The reason of a decision that found the pool's queue full. */
export const QUEUE_FULL = 'evaluation queue is full';

/** Defaults of {@link EvaluationPoolOptions}. */
export const EVALUATION_DEFAULTS = { budgetMs: 100, workers: 2, spares: 1 } as const;

/**
 * Jobs one worker holds at most. Sharing misses earlier, at 16 or 32, measured lower with a single
 * worker; a worker that holds many while one of them runs away only delays them (see replace).
 */
const MAX_IN_FLIGHT = 256;
/** Jobs waiting on the serving thread for a worker, beyond which a job is denied at once. */
const MAX_QUEUED = 4096;
// Requests handed over are at most 8 KiB (see authorizerService) and a result is a few KiB more than
// its input's JSON: 256 of either usually fit, and results that do not wait their turn (see the worker).
const RING_BYTES = 4 * 1024 * 1024;
/**
 * Longest a job waits while no worker serves the current revision yet: at startup, and while the
 * workers load a new revision (as long as loading it took on the serving thread).
 */
const REVISION_WAIT_MS = 10_000;
/**
 * A worker that fails before it has loaded anything is started again after this long, doubled on
 * each such failure in a row up to {@link MAX_RESTART_DELAY_MS} (no busy restart loop).
 */
const RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 30_000;
/** Longest a data write waits for a thread to apply it (one still loading a large revision applies it after). */
const DATA_WRITE_TIMEOUT_MS = 30_000;
/** Longest the threads of a new revision may take to load it beside the serving one (large data). */
const PREPARE_TIMEOUT_MS = 300_000;
/**
 * A revision this small (module and data texts) loads in the serving threads themselves, in
 * milliseconds: starting threads for it would take longer than the wait it saves.
 */
const IN_PLACE_BYTES = 4 * 1024 * 1024;

/** Threads started for a revision that loads beside the one serving (see prepare). */
interface Generation {
  readonly parts: RevisionParts & { id: string };
  readonly workers: PoolWorker[];
  readonly spares: PoolWorker[];
  readonly loaded: Set<PoolWorker>;
  skipped?: ReadonlyArray<{ index: number; reason: string }>;
  settle(failure?: string): void;
}

/** A revision loaded by a new generation of threads, ready to take over. */
export interface PreparedRevision {
  /** Batches of the revision's operations its data did not take, with why. */
  readonly skipped: ReadonlyArray<{ index: number; reason: string }>;
  /** Puts the new threads in place of the serving ones, at once; the old ones finish what they hold. */
  activate(): void;
}

/** Options of {@link EvaluationPool}. */
export interface EvaluationPoolOptions {
  cache: DecisionCacheOptions;
  limits: RequestLimits;
  /** Entrypoint of Authorizer checks handed over as request bytes. */
  decision: string;
  /** Longest a job may wait and be evaluated, in ms (default 100). */
  budgetMs?: number;
  /** Worker threads that take jobs (default 2). */
  workers?: number;
  /**
   * Workers kept started and loaded, idle, to take over at once from one stopped for its budget
   * (default 1): starting a thread and loading a revision takes far longer than a budget.
   */
  spares?: number;
  /** Told when a worker fails, cannot load a revision, or is stopped for running past the budget. */
  onProblem?: (message: string) => void;
  /** Told of each job denied for its budget: it ran past it (its worker is replaced) or waited past it. */
  onBudgetExceeded?: (stage: 'running' | 'waiting') => void;
  /** Size of each ring (default 4 MiB). */
  ringBytes?: number;
  /** Revisions smaller than this (module and data texts) are loaded in place, not by new threads (default 4 MiB). */
  inPlaceBytes?: number;
}

/**
 * Evaluates policy on worker threads, so that no evaluation holds up the thread that answers every
 * call. Jobs are `Check` request bytes (decoded and decided by the worker) or built inputs; each
 * goes to the first worker (in a fixed order) that serves the current revision and is not busy
 * with a long evaluation, or waits on the serving thread (bounded) until one can take it. Every job has a budget: one timer, running only while jobs are
 * pending, denies a job that ran or waited longer ("evaluation budget exceeded"; until a worker
 * first serves a new revision, jobs wait up to 10 s for it), stops the worker running it (V8
 * interrupts Wasm and blocking host calls) and puts a loaded spare in its place; the jobs that
 * worker held only waited, and go to another worker. Every job is answered exactly once, and
 * {@link stop} denies what is left ("server is shutting down").
 *
 * @example
 * const pool = new EvaluationPool({ cache: {}, limits: DEFAULT_LIMITS, decision: 'warden/authz/decision' });
 * pool.serve(engine.revision!);
 * const result = await pool.evaluate(inputJson, 'warden/envoy/decision', 'envoy');
 */
export class EvaluationPool {
  /** Longest a job may wait and be evaluated, in ms. */
  readonly budgetMs: number;
  private readonly workers: PoolWorker[] = [];
  /** Started, served every revision, never given jobs: they replace a stopped worker. */
  private readonly spares: PoolWorker[] = [];
  private readonly spareCount: number;
  private readonly workerCount: number;
  private threadsStarted = false;
  private readonly queue: PoolJob[] = [];
  private readonly data: PoolWorkerData;
  private readonly ringBytes: number;
  private readonly inPlaceBytes: number;
  private readonly onProblem: (message: string) => void;
  private readonly onBudgetExceeded: (stage: 'running' | 'waiting') => void;
  private readonly events: PoolWorkerEvents;
  /** A worker whose current job has run this long is given others only when no worker is free. */
  private readonly stallMs: number;
  /** How often the timer looks, while jobs are pending. */
  private readonly sweepMs: number;
  /** Past its budget, how long a thread must be seen running (not waiting for a CPU) to be a runaway. */
  private readonly sliceMs: number;
  /** Wall time after which a job is a runaway however starved its thread was. */
  private readonly capMs: number;
  private revision: (RevisionParts & { id: string }) | undefined;
  /** While a data write is being applied: the revision it moves from, whose workers still take jobs. */
  private writingFrom: string | undefined;
  /** Counts {@link serve} calls: a data write that sees it change was overtaken by a reload. */
  private served = 0;
  /** Whether a worker has served the current revision (a worker replaced later does not reset it). */
  private revisionServed = false;
  private nextId = 1;
  private stopped = false;
  /** Workers that failed before loading anything, in a row. */
  private startFailures = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly idle: Array<() => void> = [];
  private readonly ready = new Set<() => void>();
  /** A revision loading on threads of its own while the current one serves. */
  private preparing: Generation | undefined;
  /** Threads of a replaced revision that still hold jobs: they finish them, then stop. */
  private readonly retiring = new Set<PoolWorker>();

  constructor(options: EvaluationPoolOptions) {
    this.budgetMs = options.budgetMs ?? EVALUATION_DEFAULTS.budgetMs;
    this.stallMs = Math.min(10, Math.max(1, this.budgetMs / 10));
    // Often enough to answer a runaway within a quarter of its budget, and to move the jobs behind a long one soon.
    this.sweepMs = Math.max(1, Math.min(this.budgetMs / 4, this.stallMs));
    this.sliceMs = Math.max(this.sweepMs, Math.min(25, this.budgetMs / 4));
    this.capMs = runawayCapMs(this.budgetMs);
    this.data = { cache: options.cache, limits: options.limits, decision: options.decision, budgetMs: this.budgetMs };
    this.ringBytes = options.ringBytes ?? RING_BYTES;
    this.inPlaceBytes = options.inPlaceBytes ?? IN_PLACE_BYTES;
    this.onProblem = options.onProblem ?? (() => {});
    this.onBudgetExceeded = options.onBudgetExceeded ?? (() => {});
    this.events = {
      loaded: (worker, skipped) => this.loaded(worker, skipped),
      loadFailed: (worker, revision, message) => {
        if (this.inGeneration(worker)) this.preparing!.settle(message);
        else this.onProblem(`evaluation worker cannot load revision ${revision}: ${message}`);
      },
      settled: (worker, job, result) => this.settled(worker, job, result),
      failed: (worker, message) => this.failed(worker, message),
    };
    this.workerCount = options.workers ?? EVALUATION_DEFAULTS.workers;
    this.spareCount = options.spares ?? EVALUATION_DEFAULTS.spares;
  }

  /**
   * Starts the threads, on the first revision: a start refused for a policy that does not compile
   * (found on the serving thread) never waits for threads to boot and stop.
   */
  private startThreads(): void {
    if (this.threadsStarted || this.stopped) return;
    this.threadsStarted = true;
    for (let i = 0; i < this.workerCount; i++) this.workers.push(new PoolWorker(this.data, this.ringBytes, this.events));
    for (let i = 0; i < this.spareCount; i++) this.spares.push(new PoolWorker(this.data, this.ringBytes, this.events));
  }

  /** Serves `revision` from now on: jobs go to workers once they have loaded it. */
  serve(revision: PolicyRevision): void {
    this.serveInPlace(revision.parts);
  }

  private serveInPlace(parts: RevisionParts & { id: string }): void {
    this.startThreads();
    this.served++;
    this.revision = parts;
    this.revisionServed = false;
    for (const w of [...this.workers, ...this.spares]) w.serve(parts);
  }

  /**
   * Loads `parts` on threads of their own while the serving revision keeps answering: a new
   * generation of workers and spares, started beside the current ones. Resolves once its workers
   * have loaded it (its spares load after them); {@link PreparedRevision.activate} then swaps them
   * in at once, so no job waits for a large revision to load. The first revision is loaded by the
   * idle threads, and one under `inPlaceBytes` by the serving threads in place: that takes less time
   * than starting threads.
   *
   * @throws EngineError `engine_load_failed` when a thread cannot load it (the new threads are stopped)
   */
  async prepare(parts: RevisionParts & { id: string }, timeoutMs = PREPARE_TIMEOUT_MS): Promise<PreparedRevision> {
    this.preparing?.settle('another revision is being loaded instead');
    this.startThreads();
    const generation: Generation = {
      parts,
      workers: [],
      spares: [],
      loaded: new Set(),
      settle: () => {},
    };
    const previous = this.revision;
    const inPlace = previous === undefined || revisionBytes(parts) < this.inPlaceBytes;
    const done = new Promise<string | undefined>((resolve) => (generation.settle = resolve));
    this.preparing = generation;
    if (inPlace) {
      generation.workers.push(...this.workers);
      generation.spares.push(...this.spares);
      // Jobs wait for the threads to load it (see sweep), as briefly as loading takes.
      if (previous !== undefined) this.serveInPlace(parts);
      else for (const w of this.workers) w.serve(parts);
    } else {
      for (let i = 0; i < this.workerCount; i++) generation.workers.push(this.startedWith(parts));
      for (let i = 0; i < this.spareCount; i++) generation.spares.push(new PoolWorker(this.data, this.ringBytes, this.events));
    }
    // Spares load after the workers: on few cores, loading beside them would only slow them down.
    const sparesLoad = (): void => {
      for (const w of generation.spares) if (w.running && w.loaded !== parts.id) w.serve(parts);
    };
    const timer = setTimeout(() => generation.settle(`not loaded within ${timeoutMs} ms`), timeoutMs).unref();
    const failure = this.stopped ? 'the pool is stopped' : await done;
    clearTimeout(timer);
    if (this.preparing === generation) this.preparing = undefined;
    if (failure !== undefined) {
      // Threads that loaded it in place go back to the revision that served; new ones stop.
      if (!inPlace) for (const w of [...generation.workers, ...generation.spares]) w.stop();
      else if (previous !== undefined && !this.stopped) this.serveInPlace(previous);
      throw new EngineError('engine_load_failed', `the evaluation workers cannot load revision ${parts.id}: ${failure}`);
    }
    if (!(inPlace && previous !== undefined)) sparesLoad();
    return { skipped: generation.skipped ?? [], activate: () => this.activate(generation, inPlace) };
  }

  private activate(generation: Generation, inPlace: boolean): void {
    if (this.stopped) return;
    this.served++;
    this.revision = generation.parts;
    this.revisionServed = true;
    if (!inPlace) {
      for (const spare of this.spares) spare.stop();
      for (const worker of this.workers) this.retire(worker);
      this.workers.splice(0, this.workers.length, ...generation.workers);
      this.spares.splice(0, this.spares.length, ...generation.spares);
    }
    this.flushQueue();
  }

  /** A worker of a replaced revision: it takes no more jobs, finishes those it holds, then stops. */
  private retire(worker: PoolWorker): void {
    if (worker.pending.size === 0) worker.stop();
    else this.retiring.add(worker);
  }

  private inGeneration(worker: PoolWorker): boolean {
    const g = this.preparing;
    return g !== undefined && (g.workers.includes(worker) || g.spares.includes(worker));
  }

  /**
   * Resolves true once `workers` workers (default one) and `spares` spares (default none) serve the
   * current revision, or false after `timeoutMs` (checks then wait for one, within their budget).
   */
  whenReady(timeoutMs: number, { workers = 1, spares = 0 }: { workers?: number; spares?: number } = {}): Promise<boolean> {
    const serving = (ws: PoolWorker[]) => ws.filter((w) => this.serves(w)).length;
    const enough = () => serving(this.workers) >= Math.min(workers, this.workerCount) && serving(this.spares) >= Math.min(spares, this.spareCount);
    if (enough()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ready.delete(check);
        resolve(false);
      }, timeoutMs).unref();
      const check = () => {
        if (!enough()) return;
        clearTimeout(timer);
        this.ready.delete(check);
        resolve(true);
      };
      this.ready.add(check);
    });
  }

  /**
   * Makes a batch of data writes in every thread's instance in place (see applyOperations), moving
   * the pool from revision `from` to `to`: resolves once every thread has made it, with whether
   * anything was written. Jobs keep going to threads of either revision meanwhile. A thread that
   * fails, or does not answer in time, is replaced by one that loads the pool's revision as it is
   * after the write.
   *
   * @throws DataWriteError the refusal every thread agreed on (`data_not_found`, `data_conflict`,
   *   `data_invalid`: nothing changed), or `data_apply_failed` when no thread made it, or a reload overtook it
   */
  async applyDataOperations(from: string, to: string, operations: readonly DataOperation[], timeoutMs = DATA_WRITE_TIMEOUT_MS): Promise<boolean> {
    const base = this.revision;
    if (base === undefined || base.id !== from || this.stopped) throw new DataWriteError('data_apply_failed', `the evaluation workers do not serve revision ${from}`);
    const served = this.served;
    this.writingFrom = from;
    let outcome;
    try {
      outcome = await fanOutDataWrites([...this.workers, ...this.spares], from, to, operations, timeoutMs);
    } finally {
      if (this.served === served) this.writingFrom = undefined;
    }
    if (this.served !== served) throw new DataWriteError('data_apply_failed', 'the policy was reloaded while the write was being applied: write again');
    if (outcome.refusal) throw outcome.refusal;
    if (outcome.written) this.revision = { ...base, id: to, operations: [...(base.operations ?? []), operations] };
    for (const { worker, reason } of outcome.failed) {
      if (this.workers.includes(worker)) {
        this.onProblem(`an evaluation worker failed a data write, and is replaced: ${reason}`);
        this.replace(worker, 'policy evaluation failed: the evaluation worker failed a data write');
      } else if (this.spares.includes(worker)) this.failed(worker, `a spare evaluation worker failed a data write: ${reason}`);
    }
    if (!outcome.written && outcome.failed.length > 0) throw new DataWriteError('data_apply_failed', `no evaluation worker made the write: ${outcome.failed.map((f) => f.reason).join('; ')}`);
    return outcome.written;
  }

  /** Decodes and decides an Authorizer `Check` from its bytes, for the connection keyed `connection`. */
  check(connection: string, bytes: Buffer): Promise<PoolResult> {
    const id = this.nextId++;
    return this.submit(id, encodeJob({ id, kind: 'check', connection, bytes }));
  }

  /** Decides a built input (its canonical JSON) with `entrypoint`. */
  evaluate(inputJson: string, entrypoint: string, shape: DecisionShape): Promise<PoolResult> {
    const id = this.nextId++;
    return this.submit(id, encodeJob({ id, kind: 'input', entrypoint, shape, inputJson }));
  }

  /** Jobs not answered yet. */
  get inFlight(): number {
    let n = this.queue.length;
    for (const w of [...this.workers, ...this.retiring]) n += w.pending.size;
    return n;
  }

  /**
   * Gives the jobs in flight up to `ms` to be answered, then {@link stop}s: whatever is left is
   * denied ("server is shutting down"), never decided again elsewhere.
   */
  async drain(ms: number): Promise<void> {
    if (!this.stopped && this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.stop();
  }

  /** Stops every worker; jobs still pending are denied ("server is shutting down"). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const left = this.queue.splice(0);
    this.preparing?.settle('the pool is stopped');
    for (const w of [...this.workers, ...this.spares, ...this.retiring]) left.push(...w.stop());
    this.retiring.clear();
    for (const job of left) deny(job, SHUTTING_DOWN);
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private submit(id: number, line: string): Promise<PoolResult> {
    if (this.stopped) return Promise.resolve({ id, kind: 'denied', reason: SHUTTING_DOWN });
    return new Promise((resolve) => this.place({ id, line, since: performance.now(), resolve }));
  }

  private serves(w: PoolWorker): boolean {
    return w.running && this.revision !== undefined && w.loaded !== undefined && (w.loaded === this.revision.id || w.loaded === this.writingFrom);
  }

  /** Hands `job` to a worker now, or queues it behind those already waiting. */
  private place(job: PoolJob): void {
    if (this.queue.length > 0 || !this.hand(job, job.since)) {
      if (this.queue.length >= MAX_QUEUED) return deny(job, QUEUE_FULL);
      this.queue.push(job);
    }
    this.sweeper ??= setInterval(() => this.sweep(), this.sweepMs).unref();
  }

  private stuck(w: PoolWorker, now: number): boolean {
    return w.pending.size > 0 && now - w.headSince > this.stallMs;
  }

  /**
   * Gives `job` to the first worker (in a fixed order) that serves the revision, has room and is not
   * stuck on a long job; only when every one is stuck, to the least loaded of them (never, with
   * `unstuck`). Packing jobs onto the first worker rather than spreading them keeps the others
   * asleep under an ordinary load: on a two-core machine, waking more workers per batch lowered the
   * cache-miss throughput (docs/architecture.md). They are there for when one evaluation runs long.
   */
  private hand(job: PoolJob, now: number, unstuck = false): boolean {
    let fallback: PoolWorker | undefined;
    for (const w of this.workers) {
      if (!this.serves(w) || w.pending.size >= MAX_IN_FLIGHT) continue;
      if (!this.stuck(w, now)) return w.take(job, now);
      if (!unstuck && (fallback === undefined || w.pending.size < fallback.pending.size)) fallback = w;
    }
    return fallback !== undefined && fallback.take(job, now);
  }

  private flushQueue(): void {
    const now = performance.now();
    let handed = 0;
    while (handed < this.queue.length && this.hand(this.queue[handed]!, now)) handed++;
    this.queue.splice(0, handed);
  }

  private loaded(worker: PoolWorker, skipped?: ReadonlyArray<{ index: number; reason: string }>): void {
    this.startFailures = 0;
    const generation = this.preparing;
    if (generation && this.inGeneration(worker) && worker.loaded === generation.parts.id) {
      generation.loaded.add(worker);
      generation.skipped ??= skipped;
      // Spares may finish loading after the swap: they take over only from a worker stopped later.
      if (generation.workers.every((w) => generation.loaded.has(w))) generation.settle();
      return;
    }
    if (!this.serves(worker)) return;
    for (const check of this.ready) check();
    // A spare takes no jobs: only a worker ends the wait for the revision.
    if (!this.workers.includes(worker)) return;
    this.revisionServed = true;
    this.flushQueue();
  }

  private settled(worker: PoolWorker, job: PoolJob, result: CheckResult): void {
    job.resolve(result);
    if (this.retiring.has(worker) && worker.pending.size === 0) {
      this.retiring.delete(worker);
      worker.stop();
    }
    if (this.queue.length > 0) this.flushQueue();
    if (this.idle.length > 0 && this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /**
   * Denies what waited or ran past the budget, and stops the worker running it; the jobs waiting
   * behind a long one move to a worker that is free.
   */
  private sweep(): void {
    const now = performance.now();
    // Until a worker first serves the revision (starting, loading a new one), jobs wait for one longer.
    const wait = this.revisionServed ? this.budgetMs : Math.max(this.budgetMs, REVISION_WAIT_MS);
    while (this.queue.length > 0 && now - this.queue[0]!.since > wait) {
      deny(this.queue.shift()!, BUDGET_EXCEEDED);
      this.onBudgetExceeded('waiting');
    }
    for (const w of this.retiring) {
      w.collect();
      if (w.pending.size > 0 && w.ranPast(now, this.budgetMs, this.sliceMs, this.capMs)) {
        this.onBudgetExceeded('running');
        this.retiring.delete(w);
        const [first, ...waiting] = w.stop();
        if (first) deny(first, BUDGET_EXCEEDED);
        for (const job of waiting) {
          job.since = now;
          this.place(job);
        }
      }
    }
    for (const w of this.workers) {
      if (w.pending.size === 0) continue;
      w.collect();
      if (w.pending.size > 0 && w.ranPast(now, this.budgetMs, this.sliceMs, this.capMs)) {
        this.onProblem(`an evaluation ran past its ${this.budgetMs} ms budget: denied, and its worker restarted`);
        this.onBudgetExceeded('running');
        this.replace(w, BUDGET_EXCEEDED);
      } else if (w.pending.size > 1 && this.stuck(w, now)) this.moveWaiting(w, now);
    }
    if (this.inFlight === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /**
   * Hands the jobs waiting behind `worker`'s long one to free workers. Should it still decide them,
   * those results are ignored: an answer is the first result of the worker a job is pending with.
   */
  private moveWaiting(worker: PoolWorker, now: number): void {
    let head = true;
    for (const job of worker.pending.values()) {
      if (head) head = false;
      else if (this.hand(job, now, true)) worker.pending.delete(job.id);
      else break;
    }
  }

  private failed(worker: PoolWorker, message: string): void {
    if (this.inGeneration(worker)) return this.preparing!.settle(message);
    if (this.retiring.delete(worker)) {
      const [first, ...waiting] = worker.stop();
      if (first) deny(first, 'policy evaluation failed: the evaluation worker stopped');
      for (const job of waiting) this.place(job);
      return;
    }
    let delayMs = 0;
    if (!worker.loaded) {
      delayMs = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** this.startFailures++);
      message += `; starting another in ${delayMs} ms`;
    }
    this.onProblem(message);
    const spare = this.spares.indexOf(worker);
    if (spare >= 0) {
      worker.stop();
      this.spares.splice(spare, 1);
      this.startLater(() => this.spares.push(this.started()), delayMs);
      return;
    }
    // The job it was working on may be what broke it: denied, not tried on another worker.
    this.replace(worker, 'policy evaluation failed: the evaluation worker stopped', delayMs);
  }

  /** A new worker, given the current revision. */
  private started(): PoolWorker {
    return this.startedWith(this.revision);
  }

  private startedWith(parts: (RevisionParts & { id: string }) | undefined): PoolWorker {
    const next = new PoolWorker(this.data, this.ringBytes, this.events);
    if (parts) next.serve(parts);
    return next;
  }

  private startLater(start: () => void, delayMs: number): void {
    const guarded = () => {
      if (!this.stopped) start();
    };
    if (delayMs > 0) setTimeout(guarded, delayMs).unref();
    else guarded();
  }

  /**
   * Stops `worker`; a spare that serves the revision takes its place at once (another spare is
   * started), else a new worker does once started. Its first job is denied with `reason`; the rest
   * only waited, and wait their turn elsewhere.
   */
  private replace(worker: PoolWorker, reason: string, delayMs = 0): void {
    const [first, ...waiting] = worker.stop();
    if (first) deny(first, reason);
    const index = this.workers.indexOf(worker);
    const ready = this.spares.findIndex((w) => this.serves(w));
    if (ready >= 0) {
      this.workers[index] = this.spares.splice(ready, 1)[0]!;
      this.startLater(() => this.spares.push(this.started()), delayMs);
    } else this.startLater(() => (this.workers[index] = this.started()), delayMs);
    const now = performance.now();
    for (const job of waiting) {
      job.since = now;
      this.place(job);
    }
  }
}

function deny(job: PoolJob, reason: string): void {
  job.resolve({ id: job.id, kind: 'denied', reason });
}
