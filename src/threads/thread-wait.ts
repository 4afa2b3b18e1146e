import { readFileSync } from 'node:fs';

/**
 * How long, in ms, thread `tid` of this process has waited for a CPU while it could run (the second
 * field of Linux's `/proc/self/task/TID/schedstat`), or `undefined` where the kernel does not say.
 */
export function runQueueWaitMs(tid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ');
    const ns = Number(fields[1]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}
