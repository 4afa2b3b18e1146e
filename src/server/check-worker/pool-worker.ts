import type { Worker } from 'node:worker_threads';
import type { DataOperation, DataWriteErrorCode, RevisionParts } from '../../engine/index.js';
import { allocateLineRing, LineRingReader, LineRingWriter } from '../../threads/line-ring.js';
import { startModuleWorker } from '../../threads/start-module-worker.js';
import { runQueueWaitMs } from '../../threads/thread-wait.js';
import type { CheckWorkerData, FromCheckWorker, ToCheckWorker } from './check-worker.js';
import { decodeResult, operationsToWire, partsToWire, type CheckResult } from './wire.js';

/** What the pool answers a job with: the worker's result, or a deny the pool made itself. */
export type PoolResult = CheckResult | { id: number; kind: 'denied'; reason: string };

/** A job handed to the pool, until it is answered (exactly once). */
export interface PoolJob {
  readonly id: number;
  /** The job as ring text, kept to hand it to another worker if its own is stopped. */
  readonly line: string;
  /** `performance.now()` when it last started waiting in the pool's queue. */
  since: number;
  readonly resolve: (result: PoolResult) => void;
}

/** What a {@link PoolWorker} tells its pool. */
/** What became of a batch of data writes on one thread. */
export type DataAck = { written: boolean } | { code: DataWriteErrorCode; message: string };

export interface PoolWorkerEvents {
  /** `skipped`: batches of the revision's operations its data did not take. */
  loaded(worker: PoolWorker, skipped?: ReadonlyArray<{ index: number; reason: string }>): void;
  loadFailed(worker: PoolWorker, revision: string, message: string): void;
  settled(worker: PoolWorker, job: PoolJob, result: CheckResult): void;
  /** The thread failed or exited on its own; the jobs it held have not been answered. */
  failed(worker: PoolWorker, message: string): void;
}

/** What a worker thread is started with, besides its rings. */
export type PoolWorkerData = Omit<CheckWorkerData, 'jobs' | 'results'>;

/**
 * One evaluation thread of the pool (check-worker.ts) with its two rings: jobs in, results out. It
 * decides the jobs it holds in the order they were handed to it, so the first one pending is the
 * one it is working on, since {@link headSince}.
 */
export class PoolWorker {
  /** Jobs handed over and not answered, in the order the thread decides them. */
  readonly pending = new Map<number, PoolJob>();
  /** The revision the thread decides with, once loaded. */
  loaded: string | undefined;
  /** `performance.now()` since when the first pending job has been the one the thread works on. */
  headSince = 0;
  private readonly worker: Worker;
  private readonly jobs: LineRingWriter;
  private readonly results: LineRingReader;
  private alive = true;
  /** The thread's kernel id, where the kernel says how long it waited for a CPU. */
  private tid: number | undefined;
  /** Taken when the head job first ran past its budget in wall time: then, and the thread's CPU wait then. */
  private overdue: { head: number; at: number; waitedMs: number } | undefined;
  /** Data writes handed over and not acknowledged, by the revision they move to. */
  private readonly dataAcks = new Map<string, (ack: DataAck | undefined) => void>();

  constructor(data: PoolWorkerData, ringBytes: number, private readonly events: PoolWorkerEvents) {
    const jobs = allocateLineRing(ringBytes);
    const results = allocateLineRing(ringBytes);
    // A job wakes a sleeping worker at once: the call waits on it.
    this.jobs = new LineRingWriter(jobs);
    this.results = new LineRingReader(results);
    this.worker = startModuleWorker(import.meta.url, 'check-worker', { workerData: { ...data, jobs, results } satisfies CheckWorkerData });
    this.worker.unref();
    this.worker.on('message', (m: FromCheckWorker) => {
      if (!this.alive) return;
      if (m.type === 'thread') this.tid = m.tid;
      else if (m.type === 'loaded') {
        this.loaded = m.id;
        events.loaded(this, m.skipped);
      } else if (m.type === 'data-applied' || m.type === 'data-failed') this.acknowledge(m);
      else events.loadFailed(this, m.id, m.message);
    });
    this.worker.on('error', (e) => this.fail(`evaluation worker failed: ${e.message}`));
    this.worker.on('exit', (code) => this.fail(`evaluation worker exited (code ${code})`));
    void this.pump();
  }

  /** Whether the thread is running (not stopped, not failed). */
  get running(): boolean {
    return this.alive;
  }

  /** Hands `parts` to the thread; it takes jobs again once it has loaded them. */
  serve(parts: RevisionParts & { id: string }): void {
    if (!this.alive) return;
    this.loaded = undefined;
    this.worker.postMessage({ type: 'revision', parts: partsToWire(parts) } satisfies ToCheckWorker);
  }

  /**
   * Has the thread make a batch of data writes in its instance in place, moving it from revision
   * `from` to `to` (after any revision it is still loading). Resolves with what became of it, or
   * `undefined` when the thread stops first (it no longer serves: its replacement loads the pool's
   * revision).
   */
  applyData(from: string, to: string, operations: readonly DataOperation[]): Promise<DataAck | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.dataAcks.set(to, resolve);
      this.worker.postMessage({ type: 'data', from, to, operationsJson: operationsToWire(operations) } satisfies ToCheckWorker);
    });
  }

  private acknowledge(m: Extract<FromCheckWorker, { type: 'data-applied' | 'data-failed' }>): void {
    const resolve = this.dataAcks.get(m.id);
    this.dataAcks.delete(m.id);
    if (m.type === 'data-applied' && m.written) {
      this.loaded = m.id;
      this.events.loaded(this);
    }
    resolve?.(m.type === 'data-failed' ? { code: m.code, message: m.message } : { written: m.written });
  }

  /** Writes `job` into the jobs ring; false when the ring has no room for it. */
  take(job: PoolJob, now: number): boolean {
    if (!this.alive || !this.jobs.write(job.line)) return false;
    if (this.pending.size === 0) this.headSince = now;
    this.pending.set(job.id, job);
    return true;
  }

  /**
   * Whether the job the thread works on has run past `budgetMs` of its own time, not of the
   * machine's: once over the budget in wall time, the thread must also be seen getting the CPU for
   * a while (`sliceMs` more than it waited for one) to be a runaway. A thread starved of CPU (niced,
   * on a busy machine) is left to finish, up to `capMs` of wall time; where the kernel does not say
   * how long a thread waited, wall time alone decides.
   */
  ranPast(now: number, budgetMs: number, sliceMs: number, capMs: number): boolean {
    const age = now - this.headSince;
    if (age <= budgetMs) return false;
    const waitedMs = this.tid === undefined || age > capMs ? undefined : runQueueWaitMs(this.tid);
    if (waitedMs === undefined) return true;
    if (this.overdue?.head !== this.headSince) {
      this.overdue = { head: this.headSince, at: now, waitedMs };
      return false;
    }
    return now - this.overdue.at - (waitedMs - this.overdue.waitedMs) > sliceMs;
  }

  /** Settles the results already in the ring (the pool looks before it judges a job's age). */
  collect(): void {
    if (this.results.drain(this.settle) > 0 && this.pending.size > 0) this.headSince = performance.now();
  }

  /** Stops the thread; returns the jobs it held, unanswered, in order. Its results are no longer read. */
  stop(): PoolJob[] {
    if (!this.alive) return [];
    this.alive = false;
    this.results.interrupt();
    for (const resolve of this.dataAcks.values()) resolve(undefined);
    this.dataAcks.clear();
    const held = [...this.pending.values()];
    this.pending.clear();
    try {
      this.worker.postMessage({ type: 'stop' } satisfies ToCheckWorker);
    } catch {
      // Already gone.
    }
    // Wasm loops and host builtins (Atomics.wait) alike are interrupted: the thread ends within ms.
    void this.worker.terminate();
    return held;
  }

  private readonly settle = (line: string): void => {
    const result = decodeResult(line);
    const job = this.pending.get(result.id);
    if (!job) return;
    this.pending.delete(result.id);
    this.events.settled(this, job, result);
  };

  private fail(message: string): void {
    if (this.alive) this.events.failed(this, message);
  }

  private async pump(): Promise<void> {
    while (this.alive) {
      this.collect();
      await this.results.nextLine();
    }
  }
}
