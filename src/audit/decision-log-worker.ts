import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { LineRingReader, type LineRingMemory } from '../threads/line-ring.js';
import { createLineRedactor, type LineMemoOptions } from './line-redactor.js';

// The thread behind OffThreadDecisionLog: takes records (JSON) from the shared ring, redacts them,
// and writes one line each, a batch per system call. Blocking here never blocks a decision. If
// this thread dies, a new one takes over the same ring where this one stopped.
export interface LogWorkerData {
  memory: LineRingMemory;
  destination: 'stdout' | string | false;
  redactPaths?: string[];
  memo?: LineMemoOptions;
}
/** `fault` makes the worker fail as a bug or a full heap would (for tests of the restart). */
export type ToLogWorker = { type: 'flush' | 'close' | 'fault'; id: number };
export type FromLogWorker = { type: 'done'; id: number };

/** How long a busy ring is left to fill before the next batch is taken. */
const BATCH_MS = 10;
/** Text gathered before it is written out. */
const CHUNK_CHARS = 1 << 20;

const { memory, destination, redactPaths, memo } = workerData as LogWorkerData;
// Settling reader: lines taken but not yet written are counted lost if this thread dies.
const reader = new LineRingReader(memory, true);
const redactedLine = createLineRedactor(redactPaths, memo);
const sink =
  destination === false ? undefined : pino.destination({ dest: destination === 'stdout' ? 1 : destination, sync: true, mkdir: destination !== 'stdout' });
sink?.on('error', () => undefined);

let pending = '';
let pendingCount = 0;

function writeOut(): void {
  if (pendingCount === 0) return;
  let lost = false;
  try {
    sink?.write(pending);
  } catch {
    lost = true;
  }
  reader.settle(pendingCount, lost);
  pending = '';
  pendingCount = 0;
}

/** Lines start with "log":"decision" so they stand out on a shared stdout (as pino's level field did). */
function take(text: string): void {
  try {
    pending += `${redactedLine(text)}\n`;
    pendingCount++;
  } catch {
    reader.settle(1, true);
  }
  if (pending.length >= CHUNK_CHARS) writeOut();
}

function drain(): number {
  const n = reader.drain(take);
  writeOut();
  return n;
}

let closed = false;
parentPort!.on('message', async (m: ToLogWorker) => {
  if (m.type === 'fault') {
    setImmediate(() => {
      throw new Error('decision-log worker: fault requested');
    });
    return;
  }
  drain();
  if (m.type === 'close' && !closed) {
    closed = true;
    if (sink && destination !== 'stdout') {
      const done = once(sink, 'close').catch(() => undefined);
      sink.end();
      await done;
    }
  }
  parentPort!.postMessage({ type: 'done', id: m.id } satisfies FromLogWorker);
});

while (!closed) {
  if (drain() > 0) await new Promise((resolve) => setTimeout(resolve, BATCH_MS));
  else await reader.nextLine();
}
