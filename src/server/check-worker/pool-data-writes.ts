import type { InstanceWrite } from '../../engine/index.js';
import type { PoolWorker } from './pool-worker.js';

/** What became of a data write on the pool's threads. */
export interface DataFanOut {
  /** The threads that failed to apply it (or did not answer in time), with why. */
  failed: Array<{ worker: PoolWorker; reason: string }>;
}

/**
 * Hands `writes` (revision `from` → `to`) to every thread and waits for each to apply it between two
 * of its evaluations; a thread that fails, or does not answer within `timeoutMs`, is reported.
 * Threads that stop meanwhile count as done: they no longer serve.
 */
export async function fanOutDataWrites(workers: readonly PoolWorker[], from: string, to: string, writes: readonly InstanceWrite[], timeoutMs: number): Promise<DataFanOut> {
  const failed: DataFanOut['failed'] = [];
  await Promise.all(
    workers.map(async (worker) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs)));
      const reason = await Promise.race([worker.applyData(from, to, writes), late]);
      clearTimeout(timer);
      if (reason !== undefined) failed.push({ worker, reason });
    }),
  );
  return { failed };
}
