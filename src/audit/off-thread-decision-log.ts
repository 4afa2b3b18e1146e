import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../threads/start-module-worker.js';
import type { DecisionLogOptions, DecisionRecord } from './decision-log.js';
import type { FromLogWorker, ToLogWorker } from './decision-log-worker.js';

/** Records handed over but not yet written, beyond which new ones are dropped (and counted). */
const MAX_BACKLOG = 100_000;
const BATCH_MS = 10;
const BATCH_BYTES = 256 * 1024;

/**
 * The decision log of `DecisionLog`, with redaction, serialisation and writing done in a worker
 * thread: the thread that answers checks only batches records and hands them over once per turn
 * of the event loop. Destinations are `"stdout"` or a file path (a stream cannot cross threads).
 */
export class OffThreadDecisionLog {
  private readonly worker: Worker;
  /** JSON lines: a string crosses threads far cheaper than the objects it was made from. */
  private batch = '';
  private batchCount = 0;
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
    this.backlog++;
    this.batch += `${line}\n`;
    this.batchCount++;
    // Handing over costs a fixed amount per message: batch for a few milliseconds, or until big.
    if (this.batch.length >= BATCH_BYTES) this.handOver();
    else if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.handOver(), BATCH_MS).unref();
    }
  }

  private handOver(): void {
    this.scheduled = false;
    if (this.batchCount === 0) return;
    const lines = this.batch;
    const count = this.batchCount;
    this.batch = '';
    this.batchCount = 0;
    try {
      this.worker.postMessage({ type: 'records', lines, count } satisfies ToLogWorker);
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
