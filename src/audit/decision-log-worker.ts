import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { LineRingReader, type LineRingMemory } from '../threads/line-ring.js';
import { createLineRedactor } from './line-redactor.js';

// The thread behind OffThreadDecisionLog: takes records (JSON) from the shared ring, redacts them,
// and writes one line each, a batch per system call. Blocking here never blocks a decision.
export interface LogWorkerData {
  memory: LineRingMemory;
  destination: 'stdout' | string | false;
  redactPaths?: string[];
}
export type ToLogWorker = { type: 'flush' | 'close'; id: number };
export type FromLogWorker = { type: 'done'; id: number };

/** How long a busy ring is left to fill before the next batch is taken. */
const BATCH_MS = 10;
/** Text gathered before it is written out. */
const CHUNK_CHARS = 1 << 20;

const { memory, destination, redactPaths } = workerData as LogWorkerData;
const reader = new LineRingReader(memory);
const redactedLine = createLineRedactor(redactPaths);
const sink =
  destination === false ? undefined : pino.destination({ dest: destination === 'stdout' ? 1 : destination, sync: true, mkdir: destination !== 'stdout' });
sink?.on('error', () => undefined);

let pending = '';
let pendingCount = 0;

function writeOut(): void {
  if (pendingCount === 0) return;
  try {
    sink?.write(pending);
  } catch {
    reader.addDropped(pendingCount);
  }
  pending = '';
  pendingCount = 0;
}

/** Lines start with "log":"decision" so they stand out on a shared stdout (as pino's level field did). */
function take(text: string): void {
  try {
    pending += `${redactedLine(text)}\n`;
    pendingCount++;
  } catch {
    reader.addDropped(1);
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
