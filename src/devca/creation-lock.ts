import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';

const STALE_AFTER_MS = 60_000;
const POLL_MS = 50;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lockAge(lockPath: string): number | undefined {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Runs `create` unless `exists()` holds, with at most one process creating at a time: two `warden serve
 * --dev` started together in one folder would otherwise each write half of a CA (one's certificate, the
 * other's key), and every certificate issued from it would fail to verify. A lock left by a process that
 * died is taken over once it is a minute old.
 */
export function createOnce(lockPath: string, exists: () => boolean, create: () => void): void {
  for (;;) {
    if (exists()) return;
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = lockAge(lockPath);
      if (age !== undefined && age > STALE_AFTER_MS) {
        try {
          unlinkSync(lockPath);
        } catch {
          // Another waiter took it over first.
        }
      } else {
        sleepSync(POLL_MS);
      }
      continue;
    }
    try {
      if (!exists()) create();
    } finally {
      closeSync(fd);
      unlinkSync(lockPath);
    }
    return;
  }
}
