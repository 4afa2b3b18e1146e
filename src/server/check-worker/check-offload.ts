import type { Worker } from 'node:worker_threads';
import type { DecisionCacheOptions, PolicyRevision } from '../../engine/index.js';
import { allocateLineRing, LineRingReader, LineRingWriter } from '../../threads/line-ring.js';
import { startModuleWorker } from '../../threads/start-module-worker.js';
import type { RequestLimits } from '../config.js';
import type { CheckWorkerData, FromCheckWorker, ToCheckWorker } from './check-worker.js';
import { decodeResult, encodeJob, type CheckResult } from './wire.js';

/**
 * Checks handed over and not yet answered, beyond which the serving thread decides itself (a slow
 * or stuck worker never holds more). Sharing misses earlier, at 16 or 32, measured lower: a miss
 * decided in-process costs the serving thread several times what handing it over does.
 */
const MAX_IN_FLIGHT = 256;
// Requests handed over are at most 8 KiB (see authorizerService) and a result is a few KiB more than
// its input's JSON: 256 of either usually fit, and results that do not wait their turn (see the worker).
const RING_BYTES = 4 * 1024 * 1024;

/** Options of {@link CheckOffload}. */
export interface CheckOffloadOptions {
  cache: DecisionCacheOptions;
  limits: RequestLimits;
  decision: string;
  /** Told when the worker fails or cannot load a revision (checks are then decided in-process). */
  onProblem?: (message: string) => void;
  /** Size of each ring (default 4 MiB). */
  ringBytes?: number;
}

/**
 * Decides cache-missing `Check`s on a worker thread, so that decoding, building the input and
 * evaluating the policy do not hold up the thread that answers every other call. Jobs and results
 * travel through rings of shared memory. The worker serves the same revision as the engine: until it
 * has loaded the serving one (after a reload), or when it is full or has failed, {@link submit}
 * declines and the caller decides in-process as before, so nothing depends on the worker being there.
 */
export class CheckOffload {
  private readonly worker: Worker;
  private readonly jobs: LineRingWriter;
  private readonly results: LineRingReader;
  private readonly pending = new Map<number, (result: CheckResult) => void>();
  private nextId = 1;
  private alive = true;
  /** The revision the worker decides with. */
  private loaded: string | undefined;

  constructor(options: CheckOffloadOptions) {
    const jobs = allocateLineRing(options.ringBytes ?? RING_BYTES);
    const results = allocateLineRing(options.ringBytes ?? RING_BYTES);
    // A job wakes a sleeping worker at once: the call waits on it.
    this.jobs = new LineRingWriter(jobs);
    this.results = new LineRingReader(results);
    const { onProblem, cache, limits, decision } = options;
    const workerData: CheckWorkerData = { jobs, results, cache, limits, decision };
    this.worker = startModuleWorker(import.meta.url, 'check-worker', { workerData });
    this.worker.unref();
    this.worker.on('message', (m: FromCheckWorker) => {
      if (m.type === 'loaded') this.loaded = m.id;
      else onProblem?.(`check worker cannot load revision ${m.id}, checks are decided in-process: ${m.message}`);
    });
    this.worker.on('error', (e) => {
      onProblem?.(`check worker failed, checks are decided in-process from now on: ${e.message}`);
      this.stop();
    });
    this.worker.on('exit', () => this.stop());
    void this.pump();
  }

  /** Hands `revision` to the worker; it takes jobs again once it has loaded it. */
  serve(revision: PolicyRevision): void {
    if (!this.alive) return;
    this.loaded = undefined;
    this.worker.postMessage({ type: 'revision', parts: revision.parts } satisfies ToCheckWorker);
  }

  /**
   * Hands a check to the worker, to be decided with `revision`; `undefined` when the worker cannot
   * take it now (not on that revision yet, full, or failed), and the caller decides it in-process.
   */
  submit(revision: string, connection: string, bytes: Buffer): Promise<CheckResult> | undefined {
    if (!this.alive || this.loaded !== revision || this.pending.size >= MAX_IN_FLIGHT) return undefined;
    const id = this.nextId++;
    if (!this.jobs.write(encodeJob({ id, connection, bytes }))) return undefined;
    return new Promise((resolve) => this.pending.set(id, resolve));
  }

  private async pump(): Promise<void> {
    const settle = (line: string) => {
      const result = decodeResult(line);
      const resolve = this.pending.get(result.id);
      this.pending.delete(result.id);
      resolve?.(result);
    };
    while (this.alive) {
      this.results.drain(settle);
      await this.results.nextLine();
    }
  }

  /** Stops the worker; checks still with it are declined (decided in-process). */
  stop(): void {
    if (!this.alive) return;
    this.alive = false;
    this.results.interrupt();
    for (const [id, resolve] of this.pending) resolve({ id, kind: 'declined' });
    this.pending.clear();
    try {
      this.worker.postMessage({ type: 'stop' } satisfies ToCheckWorker);
    } catch {
      // Already gone.
    }
    void this.worker.terminate();
  }
}
