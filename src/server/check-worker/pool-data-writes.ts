import { DataWriteError, type DataOperation } from '../../engine/index.js';
import type { DataAck, PoolWorker } from './pool-worker.js';

/** What became of a batch of data writes on the pool's threads. */
export interface DataFanOut {
  /** Whether any thread wrote it (threads hold the same data: all of them, but for failed ones). */
  written: boolean;
  /** Threads that failed to make it, or did not answer in time, with why: to be replaced. */
  failed: Array<{ worker: PoolWorker; reason: string }>;
  /** The refusal every thread agreed on (a path not found, a failed test): nothing was changed anywhere. */
  refusal?: DataWriteError;
}

/**
 * Hands a batch of data writes (revision `from` → `to`) to every thread and waits for each to make it
 * between two of its evaluations. Threads that stop meanwhile count as done: they no longer serve.
 */
export async function fanOutDataWrites(workers: readonly PoolWorker[], from: string, to: string, operations: readonly DataOperation[], timeoutMs: number): Promise<DataFanOut> {
  const acks = await Promise.all(
    workers.map(async (worker): Promise<[PoolWorker, DataAck | undefined]> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<DataAck>((resolve) => (timer = setTimeout(() => resolve({ code: 'data_apply_failed', message: `no answer within ${timeoutMs} ms` }), timeoutMs)));
      const ack = await Promise.race([worker.applyData(from, to, operations), late]);
      clearTimeout(timer);
      return [worker, ack];
    }),
  );
  const answered = acks.filter((a): a is [PoolWorker, DataAck] => a[1] !== undefined);
  const refusals = answered.filter(([, ack]) => 'code' in ack && ack.code !== 'data_apply_failed');
  // Every thread holds the same data, so a refusal is every thread's, and none wrote anything.
  if (answered.length > 0 && refusals.length === answered.length) {
    const first = refusals[0]![1] as Extract<DataAck, { code: string }>;
    return { written: false, failed: [], refusal: new DataWriteError(first.code, first.message) };
  }
  const failed = answered.filter(([, ack]) => 'code' in ack).map(([worker, ack]) => ({ worker, reason: (ack as { message: string }).message }));
  return { written: answered.some(([, ack]) => 'written' in ack && ack.written), failed };
}
