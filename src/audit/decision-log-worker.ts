import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { LineRingReader, type LineRingMemory } from '../threads/line-ring.js';
import { createLineRedactor, type LineMemoOptions } from './line-redactor.js';
import { RotatingFile, type RotationOperation, type RotationProblem } from './rotating-file.js';
import type { RotationSchedule } from './rotation-schedule.js';

// The thread behind OffThreadDecisionLog: takes records (JSON) from the shared ring, redacts them,
// and writes one line each, a batch per system call. Blocking here never blocks a decision. If
// this thread dies, a new one takes over the same ring where this one stopped.
export interface LogWorkerData {
  memory: LineRingMemory;
  destination: 'stdout' | string | false;
  redactPaths?: string[];
  memo?: LineMemoOptions;
  /** A file destination is rotated and its rotated files deleted past the retention (stdout never is). */
  rotation?: { schedule: RotationSchedule; retentionMs: number };
}
/** `fault` makes the worker fail as a bug or a full heap would (for tests of the restart). */
export type ToLogWorker = { type: 'flush' | 'close' | 'fault'; id: number };
/** `problem`: a failure to open, rotate or sweep the file, worked around; for the operational log. */
export type FromLogWorker = { type: 'done'; id: number } | { type: 'problem'; operation: RotationOperation; file: string; message: string };

/** How long a busy ring is left to fill before the next batch is taken. */
const BATCH_MS = 10;
/** Text gathered before it is written out. */
const CHUNK_CHARS = 1 << 20;

const { memory, destination, redactPaths, memo, rotation } = workerData as LogWorkerData;
// Settling reader: lines taken but not yet written are counted lost if this thread dies.
const reader = new LineRingReader(memory, true);
const redactedLine = createLineRedactor(redactPaths, memo);

/** Where the lines go: whole lines in, written before `write` returns. */
interface LineSink {
  write(text: string): void;
  close(): Promise<void>;
}

function openSink(): LineSink | undefined {
  if (destination === false) return undefined;
  if (destination !== 'stdout' && rotation) {
    const report = ({ operation, file, error }: RotationProblem) =>
      parentPort!.postMessage({ type: 'problem', operation, file, message: error.message } satisfies FromLogWorker);
    const file = new RotatingFile(destination, { ...rotation, onProblem: report });
    return { write: (text) => file.write(text), close: async () => file.close() };
  }
  const boom = pino.destination({ dest: destination === 'stdout' ? 1 : destination, sync: true, mkdir: destination !== 'stdout' });
  boom.on('error', () => undefined);
  return {
    write: (text) => void boom.write(text),
    close: async () => {
      if (destination === 'stdout') return;
      const done = once(boom, 'close').catch(() => undefined);
      boom.end();
      await done;
    },
  };
}
const sink = openSink();

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
    await sink?.close();
  }
  parentPort!.postMessage({ type: 'done', id: m.id } satisfies FromLogWorker);
});

while (!closed) {
  if (drain() > 0) await new Promise((resolve) => setTimeout(resolve, BATCH_MS));
  else await reader.nextLine();
}
