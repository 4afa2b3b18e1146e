import type { ResourceLimits, Worker } from 'node:worker_threads';
import { startModuleWorker } from '../threads/start-module-worker.js';
import type { DecisionLogOptions, DecisionRecord, DecisionSink } from './decision-log.js';
import type { FromLogWorker, LogWorkerData, ToLogWorker } from './decision-log-worker.js';
import { warnOfDrops, type DropWarning } from './drop-warning.js';
import type { LineMemoOptions } from './line-redactor.js';
import type { RotationSchedule } from './rotation-schedule.js';
import { checkRotationOptions } from './rotating-file.js';
import { allocateLineRing, LineRingReader, LineRingWriter, type LineRingMemory } from '../threads/line-ring.js';

const DEFAULT_BUFFER_BYTES = 16 * 1024 * 1024;

/** Default waits before restarting a worker that died: none for a first death, then doubling up to a cap. */
export const RESTART_BACKOFF = { firstMs: 100, maxMs: 30_000, stableMs: 60_000 };

/** Options of {@link OffThreadDecisionLog}. */
export interface OffThreadDecisionLogOptions extends Omit<DecisionLogOptions, 'destination'> {
  /** `"stdout"` (default), a file path, or `false` to log nothing (a stream cannot cross threads). */
  destination?: 'stdout' | string | false;
  /** Bounds of the worker's memo of redacted cached records (default 10,000 entries, 32 MiB). */
  memo?: LineMemoOptions;
  /** Heap limits of the worker thread (default: Node's). */
  workerResourceLimits?: ResourceLimits;
  /** Waits between restarts of a dying worker (see {@link RESTART_BACKOFF}). */
  restartBackoff?: Partial<typeof RESTART_BACKOFF>;
  /**
   * Rotation and retention of a file destination (see `RotatingFile`); without it the file grows
   * for ever. Ignored for stdout. Failures to open, rotate or delete are logged at error level and
   * counted in `warden_decision_log_file_failures_total{operation}`.
   */
  rotation?: { schedule: RotationSchedule; retentionMs: number };
}

/**
 * The decision log of `DecisionLog`, with redaction and writing done in a worker thread. The
 * thread that answers checks only serialises each record into a ring of shared memory (no message
 * per record or per batch); when the worker falls `maxBufferBytes` behind, records are dropped and
 * counted, never waited for. If the worker dies, it is logged at error level, counted
 * (`warden_decision_log_worker_restarts_total`) and a new one takes over the same ring, after a
 * backoff when deaths repeat: records waiting in the ring are kept, those the dead worker held are
 * counted as dropped. Destinations are `"stdout"` or a file path (a stream cannot cross threads).
 */
export class OffThreadDecisionLog implements DecisionSink {
  private worker: Worker | undefined;
  private readonly memory: LineRingMemory;
  private readonly ring: LineRingWriter;
  private readonly workerData: LogWorkerData;
  private readonly backoff: typeof RESTART_BACKOFF;
  private readonly warning: DropWarning | undefined;
  private droppedHere = 0;
  private nextId = 0;
  private readonly waiting = new Map<number, { type: ToLogWorker['type']; done: () => void }>();
  private closing = false;
  private closed: Promise<void> | undefined;
  private startedAt = 0;
  private deathsInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private lastError: unknown;

  /** @throws AuditError `audit_invalid_config` for a `rotation` that cannot be used */
  constructor(private readonly options: OffThreadDecisionLogOptions = {}) {
    this.memory = allocateLineRing(options.maxBufferBytes ?? DEFAULT_BUFFER_BYTES);
    this.ring = new LineRingWriter(this.memory, setImmediate);
    const destination = options.destination ?? 'stdout';
    const rotation = destination === 'stdout' ? undefined : options.rotation;
    // Checked here: in the worker, a bad value would kill every worker started again.
    if (rotation) checkRotationOptions(rotation);
    this.workerData = { memory: this.memory, destination, redactPaths: options.redactPaths, memo: options.memo, ...(rotation ? { rotation } : {}) };
    this.backoff = { ...RESTART_BACKOFF, ...options.restartBackoff };
    options.metrics?.observeDecisionLogDrops(() => this.dropped);
    if (options.logger) this.warning = warnOfDrops(() => this.dropped, options.logger, options.dropWarningMs);
    this.start();
  }

  private start(): void {
    this.restartTimer = undefined;
    const worker = startModuleWorker(import.meta.url, 'decision-log-worker', { workerData: this.workerData, resourceLimits: this.options.workerResourceLimits });
    this.worker = worker;
    this.startedAt = Date.now();
    this.lastError = undefined;
    if (this.waiting.size === 0) worker.unref();
    worker.on('message', (m: FromLogWorker) => {
      if (m.type === 'done') this.waiting.get(m.id)?.done();
      else this.fileProblem(m);
    });
    worker.on('error', (e) => (this.lastError = e));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.died(code);
    });
    // Requests the dead worker never answered go to this one.
    for (const [id, { type }] of this.waiting) worker.postMessage({ type, id } satisfies ToLogWorker);
  }

  /** A failure the worker worked around: the decisions are still being logged, or counted as dropped. */
  private fileProblem({ operation, file, message }: Extract<FromLogWorker, { type: 'problem' }>): void {
    this.options.metrics?.recordDecisionLogFileFailure(operation);
    const what = { open: 'cannot open the decision log', rotate: 'cannot rotate the decision log; writing on to the current file', retention: 'cannot delete decision logs past their retention' }[operation];
    this.options.logger?.error({ operation, file, err: message }, what);
  }

  /** A worker exit nobody asked for: count what it held, log, and start another (or give up when closing). */
  private died(exitCode: number): void {
    this.worker = undefined;
    const lost = this.ring.abandonInFlight();
    if (this.closing) {
      this.droppedHere += this.discardUnread();
      this.options.logger?.error({ err: this.lastError, exit_code: exitCode, lost }, 'decision-log worker died while closing; records still queued are counted as dropped');
      for (const { done } of this.waiting.values()) done();
      return;
    }
    this.deathsInARow = Date.now() - this.startedAt >= this.backoff.stableMs ? 1 : this.deathsInARow + 1;
    const delay = this.deathsInARow === 1 ? 0 : Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** (this.deathsInARow - 2));
    this.options.metrics?.recordDecisionLogWorkerRestart();
    this.options.logger?.error(
      { err: this.lastError, exit_code: exitCode, lost, restart_in_ms: delay },
      'decision-log worker died; restarting it (records queued in its ring are kept, those it held are counted as dropped)',
    );
    this.restartTimer = setTimeout(() => this.restart(), delay);
    // Like the worker, the wait keeps the process alive only while someone awaits a flush or close.
    if (this.waiting.size === 0) this.restartTimer.unref();
  }

  /** Takes every record left in the ring without writing it; returns how many. */
  private discardUnread(): number {
    return new LineRingReader(this.memory).drain(() => undefined);
  }

  /** Records lost because the sink failed, fell too far behind, or its worker died holding them. */
  get dropped(): number {
    return this.droppedHere + this.ring.droppedByReader;
  }

  /** Queues one record; never blocks and never throws. */
  write(record: DecisionRecord | string): void {
    let line: string;
    try {
      line = typeof record === 'string' ? record : JSON.stringify(record);
    } catch {
      this.droppedHere++;
      return;
    }
    if (!this.ring.write(line)) this.droppedHere++;
  }

  private ask(type: ToLogWorker['type']): Promise<void> {
    // No worker and none coming: closed, or gave up while closing.
    if (!this.worker && !this.restartTimer) return Promise.resolve();
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      // Keeps the process alive until the worker answers (the worker itself is unref'd).
      this.worker?.ref();
      this.restartTimer?.ref();
      this.waiting.set(id, {
        type,
        done: () => {
          this.waiting.delete(id);
          if (this.waiting.size === 0) this.worker?.unref();
          resolve();
        },
      });
      this.worker?.postMessage({ type, id } satisfies ToLogWorker);
    });
  }

  /** Waits until every record written so far is handed to the operating system. */
  flush(): Promise<void> {
    if (this.restartTimer) this.restartNow();
    return this.ask('flush');
  }

  /** Flushes, closes the destination and stops the worker (once, however often it is called). */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      if (this.restartTimer) this.restartNow();
      await this.ask('close');
      this.warning?.stop();
      const worker = this.worker;
      this.worker = undefined;
      await worker?.terminate();
    })();
    return this.closed;
  }

  /** Makes the worker fail as a bug or an exhausted heap would (for tests of the restart). */
  injectWorkerFault(): void {
    this.worker?.postMessage({ type: 'fault', id: -1 } satisfies ToLogWorker);
  }

  private restartNow(): void {
    clearTimeout(this.restartTimer);
    this.restart();
  }

  /** Starts a new worker; one that cannot even start counts as one more death. */
  private restart(): void {
    try {
      this.start();
    } catch (e) {
      this.lastError = e;
      this.died(-1);
    }
  }
}
