import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../threads/start-module-worker.js';
import type { DecisionLogOptions, DecisionRecord } from './decision-log.js';
import type { FromLogWorker, ToLogWorker } from './decision-log-worker.js';

/** Records handed over but not yet written, beyond which new ones are dropped (and counted). */
const MAX_BACKLOG = 100_000;
const BATCH_MS = 10;
// A batch of 10 ms at several thousand decisions per second is tens of KiB; a line larger than
// the room left hands the batch over early, and a line larger than a batch gets a buffer of its own.
const BATCH_BYTES = 64 * 1024;

/**
 * The decision log of `DecisionLog`, with redaction, serialisation and writing done in a worker
 * thread: the thread that answers checks only batches records and hands them over once per turn
 * of the event loop. Destinations are `"stdout"` or a file path (a stream cannot cross threads).
 */
export class OffThreadDecisionLog {
  private readonly worker: Worker;
  /**
   * JSON lines encoded as UTF-8 into a buffer that is transferred (not copied) to the worker:
   * cloning objects, or even a long string, costs the serving thread far more.
   */
  private batch = new Uint8Array(BATCH_BYTES);
  private batchBytes = 0;
  private batchCount = 0;
  private readonly encoder = new TextEncoder();
  private scheduled = false;
  private backlog = 0;
  private droppedHere = 0;
  private droppedThere = 0;
  private nextId = 0;
  private readonly waiting = new Map<number, () => void>();

  constructor(options: DecisionLogOptions & { destination?: 'stdout' | string }) {
    this.worker = startModuleWorker(import.meta.url, 'decision-log-worker', { workerData: options });
    this.worker.unref();
    this.worker.on('message', (m: FromLogWorker) => {
      this.droppedThere = m.dropped;
      if (m.type === 'written') this.backlog -= m.count;
      else this.waiting.get(m.id)?.();
    });
    this.worker.on('error', () => {
      this.droppedHere += this.backlog;
      this.backlog = 0;
    });
  }

  /** Records lost because the sink failed or fell too far behind. */
  get dropped(): number {
    return this.droppedHere + this.droppedThere;
  }

  /** Queues one record; never blocks and never throws. */
  write(record: DecisionRecord): void {
    if (this.backlog >= MAX_BACKLOG) {
      this.droppedHere++;
      return;
    }
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      this.droppedHere++;
      return;
    }
    line += '\n';
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (this.batchBytes + line.length * 3 > this.batch.length) {
      this.handOver();
      if (line.length * 3 > this.batch.length) this.batch = new Uint8Array(line.length * 3);
    }
    this.batchBytes += this.encoder.encodeInto(line, this.batch.subarray(this.batchBytes)).written;
    this.backlog++;
    this.batchCount++;
    // Handing over costs a fixed amount per message: batch for a few milliseconds, or until full.
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.handOver(), BATCH_MS).unref();
    }
  }

  private handOver(): void {
    this.scheduled = false;
    if (this.batchCount === 0) return;
    const bytes = this.batch.buffer as ArrayBuffer;
    const length = this.batchBytes;
    const count = this.batchCount;
    this.batch = new Uint8Array(BATCH_BYTES);
    this.batchBytes = 0;
    this.batchCount = 0;
    try {
      this.worker.postMessage({ type: 'records', bytes, length, count } satisfies ToLogWorker, [bytes]);
    } catch {
      this.droppedHere += count;
      this.backlog -= count;
    }
  }

  private ask(type: 'flush' | 'close'): Promise<void> {
    this.handOver();
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      this.worker.ref();
      this.waiting.set(id, () => {
        this.waiting.delete(id);
        this.worker.unref();
        resolve();
      });
      this.worker.postMessage({ type, id } satisfies ToLogWorker);
    });
  }

  /** Waits until every record written so far is handed to the operating system. */
  flush(): Promise<void> {
    return this.ask('flush');
  }

  /** Flushes, closes the destination and stops the worker. */
  async close(): Promise<void> {
    await this.ask('close');
    await this.worker.terminate();
  }
}
