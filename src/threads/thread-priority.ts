import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * This thread's id as the kernel knows it (Linux: `/proc/thread-self` → `PID/task/TID`), or
 * `undefined` where there is no such file.
 */
export function kernelThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes the calling thread yield to the process's other threads when the CPU is short: its nice
 * value is raised by `by` (Linux applies `setpriority` to a thread id alone). Evaluation workers
 * call it so that a runaway evaluation spinning on a core cannot slow the thread that answers
 * every call. Returns the new nice value, or `undefined` where threads cannot be told apart.
 */
export function lowerThreadPriority(by: number): number | undefined {
  const tid = kernelThreadId();
  if (tid === undefined || tid === process.pid) return undefined;
  try {
    const nice = Math.min(19, getPriority(tid) + by);
    setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return undefined;
  }
}
