import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { rotatedFileTime } from './rotated-names.js';

/** What one retention sweep did. */
export interface RetentionSweep {
  /** Paths deleted. */
  deleted: string[];
  /** Paths (or the folder, when it could not be listed) that could not be deleted, and why. */
  failures: Array<{ file: string; error: Error }>;
}

/**
 * Deletes the rotated files of `liveFile` whose name says they were closed more than `retentionMs`
 * before `now`. Only regular files whose name is exactly the rotated-name pattern of this log are
 * touched: the live file, other logs, compressed copies (`….gz`), folders and symlinks are left alone.
 * The time is read from the name, not the mtime, which copies, restores and `touch` change.
 */
export function deleteExpiredRotations(liveFile: string, retentionMs: number, now: number): RetentionSweep {
  const sweep: RetentionSweep = { deleted: [], failures: [] };
  const dir = dirname(liveFile);
  const liveName = basename(liveFile);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    sweep.failures.push({ file: dir, error: e as Error });
    return sweep;
  }
  const cutoff = now - retentionMs;
  for (const name of names) {
    const closedAt = rotatedFileTime(liveName, name);
    if (closedAt === undefined || closedAt >= cutoff) continue;
    const path = join(dir, name);
    try {
      if (!lstatSync(path).isFile()) continue;
      unlinkSync(path);
      sweep.deleted.push(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') sweep.failures.push({ file: path, error: e as Error });
    }
  }
  return sweep;
}
