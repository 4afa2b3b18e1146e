import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../threads/start-module-worker.js';
import type { DecisionLogOptions, DecisionRecord, DecisionSink } from './decision-log.js';
import type { FromLogWorker, LogWorkerData, ToLogWorker } from './decision-log-worker.js';
import { allocateLineRing, LineRingWriter } from '../threads/line-ring.js';

const DEFAULT_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * The decision log of `DecisionLog`, with redaction and writing done in a worker thread. The
 * thread that answers checks only serialises each record into a ring of shared memory (no message
 * per record or per batch); when the worker falls `maxBufferBytes` behind, records are dropped and
 * counted, never waited for. Destinations are `"stdout"` or a file path (a stream cannot cross
 * threads).
 */
export class OffThreadDecisionLog implements DecisionSink {
  private readonly worker: Worker;
  private readonly ring: LineRingWriter;
  private droppedHere = 0;
  private workerFailed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, () => void>();

  constructor(options: Omit<DecisionLogOptions, 'destination'> & { destination?: 'stdout' | string | false }) {
    const memory = allocateLineRing(options.maxBufferBytes ?? DEFAULT_BUFFER_BYTES);
    this.ring = new LineRingWriter(memory, setImmediate);
    const workerData: LogWorkerData = { memory, destination: options.destination ?? 'stdout', redactPaths: options.redactPaths };
    this.worker = startModuleWorker(import.meta.url, 'decision-log-worker', { workerData });
    this.worker.unref();
    this.worker.on('message', (m: FromLogWorker) => this.waiting.get(m.id)?.());
    this.worker.on('error', () => {
      this.workerFailed = true;
      for (const resolve of this.waiting.values()) resolve();
    });
  }

  /** Records lost because the sink failed or fell too far behind. */
  get dropped(): number {
    return this.droppedHere + this.ring.droppedByReader;
  }

  /** Queues one record; never blocks and never throws. */
  write(record: DecisionRecord | string): void {
    if (this.workerFailed) {
      this.droppedHere++;
      return;
    }
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
    if (this.workerFailed) return Promise.resolve();
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      // Keeps the process alive until the worker answers (the worker itself is unref'd).
      this.worker.ref();
      this.waiting.set(id, () => {
        this.waiting.delete(id);
        if (this.waiting.size === 0) this.worker.unref();
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
