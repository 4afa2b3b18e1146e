import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AuditError } from './errors.js';
import { deleteExpiredRotations } from './log-retention.js';
import { rotatedFileName } from './rotated-names.js';
import { periodEnd, type RotationSchedule } from './rotation-schedule.js';

/** What failed: opening the live file, rotating it, or deleting rotated files past the retention. */
export type RotationOperation = 'open' | 'rotate' | 'retention';

/** A failure the writer worked around (see {@link RotatingFileOptions.onProblem}). */
export interface RotationProblem {
  operation: RotationOperation;
  /** The file (or folder) concerned. */
  file: string;
  error: Error;
}

/** Options of {@link RotatingFile}. */
export interface RotatingFileOptions {
  schedule: RotationSchedule;
  /** Rotated files closed longer ago than this are deleted (ms). */
  retentionMs: number;
  /** The clock (default `Date.now`); tests move it by hours. */
  now?: () => number;
  /** Told of each failure; writing goes on regardless. */
  onProblem?: (problem: RotationProblem) => void;
  /**
   * Longest time between two looks at the schedule and the retention when nothing is written
   * (default 1 h; the look also comes at each daily or hourly boundary). `false`: only on writes
   * and {@link RotatingFile.maintain}.
   */
  maintenanceIntervalMs?: number | false;
  /** Wait after a failed open or rotation before trying again (default 60 s), so a broken folder is not hammered. */
  retryMs?: number;
}

const NEWLINE = 0x0a;
/** Decision logs are for the service and its log shipper (in its group), not for everyone. */
const FILE_MODE = 0o640;
const HOUR_MS = 3_600_000;
const MIN_TIMER_MS = 1000;

/**
 * A log file that keeps its name while its content is rotated out beside it (see `rotated-names`)
 * daily, hourly or by size, and whose rotated files are deleted once older than the retention: at
 * start, after each rotation and at least hourly. Writes are synchronous (it runs in the
 * decision-log worker thread) and take whole lines: a line is never split across two files. A
 * failure to rotate or to delete is reported and writing goes on to the file at hand; only a
 * failure to open or write the file at all throws from {@link RotatingFile.write}.
 *
 * @example
 * const file = new RotatingFile('/var/log/warden/decisions.log', { schedule: { kind: 'daily' }, retentionMs: 7 * 86_400_000 });
 * file.write('{"log":"decision"}\n');
 * file.close();
 */
export class RotatingFile {
  private readonly now: () => number;
  private readonly retryMs: number;
  private fd: number | undefined;
  /** Bytes in the file `fd` writes to. */
  private size = 0;
  /** When the newest line of the live file was written. */
  private newestWrite = -Infinity;
  /** Daily/hourly: the boundary at which the live file is due to be rotated. */
  private dueAt: number;
  /** The live file was renamed but no new one could be opened: lines go on to the renamed file. */
  private renamed = false;
  private lastRotatedAt = -Infinity;
  private retryOpenAt = -Infinity;
  private openError: Error | undefined;
  private retryRotateAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /** @throws AuditError `audit_invalid_config` when the schedule or the retention cannot be used */
  constructor(
    readonly path: string,
    private readonly options: RotatingFileOptions,
  ) {
    checkRotationOptions(options);
    this.now = options.now ?? Date.now;
    this.retryMs = options.retryMs ?? 60_000;
    this.dueAt = periodEnd(options.schedule, this.now());
    // At start: a live file left from an earlier period is rotated, and old rotated files go.
    this.maintain();
    this.scheduleMaintenance();
  }

  /** Appends `text`, which holds whole lines. @throws the error when the live file cannot be opened or written */
  write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      const now = this.now();
      this.rotateIfDue(now);
      const fd = this.fd ?? this.openLive(now);
      const end = this.pieceEnd(bytes, offset, now);
      if (end === undefined) continue;
      for (let at = offset; at < end; ) at += writeSync(fd, bytes, at, end - at);
      this.size += end - offset;
      this.newestWrite = now;
      offset = end;
    }
  }

  /** Rotates the live file if its period is over, and deletes rotated files past the retention. Never throws. */
  maintain(): void {
    if (this.closed) return;
    const now = this.now();
    if (this.fd === undefined && now >= this.retryOpenAt) {
      try {
        this.openLive(now);
      } catch {
        // Reported by openLive; writes try again.
      }
    }
    if (!this.rotateIfDue(now)) this.sweep(now);
  }

  /** Stops the timer and closes the file. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.fd !== undefined) closeQuietly(this.fd);
    this.fd = undefined;
  }

  /** Where the next piece written from `offset` ends (after a newline), or `undefined` when the file was rotated first. */
  private pieceEnd(bytes: Buffer, offset: number, now: number): number | undefined {
    const { schedule } = this.options;
    if (schedule.kind !== 'size' || this.size + bytes.length - offset <= schedule.bytes) return bytes.length;
    const room = schedule.bytes - this.size;
    const lastFitting = room > 0 ? bytes.lastIndexOf(NEWLINE, offset + room - 1) : -1;
    if (lastFitting >= offset) return lastFitting + 1;
    // Could not rotate now: the lines go to the file at hand rather than nowhere.
    if (this.size > 0) return this.rotate(now, now) ? undefined : bytes.length;
    // A line longer than the limit gets a file of its own.
    const lineEnd = bytes.indexOf(NEWLINE, offset);
    return lineEnd < 0 ? bytes.length : lineEnd + 1;
  }

  /** Daily or hourly: rotates a non-empty live file once its period is over. True if it rotated. */
  private rotateIfDue(now: number): boolean {
    if (now < this.dueAt) return false;
    if (this.size === 0 && !this.renamed) {
      this.dueAt = periodEnd(this.options.schedule, now);
      return false;
    }
    return this.rotate(now, this.dueAt);
  }

  /**
   * Renames the live file to its rotated name and opens a new live file, then sweeps. The name's
   * time is `closedAt` (the boundary, or now), or later if a line was written after it, so no
   * record in a rotated file is newer than its name says. False when it failed (reported).
   */
  private rotate(now: number, closedAt: number): boolean {
    if (now < this.retryRotateAt) return false;
    if (!this.renamed) {
      const target = this.freeRotatedName(Math.max(closedAt, this.newestWrite));
      try {
        renameSync(this.path, target.path);
      } catch (e) {
        // ENOENT: someone removed the live file; a new one is all that is needed.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.retryRotateAt = now + this.retryMs;
          this.report('rotate', this.path, e);
          return false;
        }
      }
      this.renamed = true;
      this.lastRotatedAt = target.time;
    }
    const old = this.fd;
    this.fd = undefined;
    try {
      this.openLive(now);
    } catch {
      this.fd = old;
      this.retryRotateAt = now + this.retryMs;
      return false;
    }
    if (old !== undefined) closeQuietly(old);
    this.sweep(now);
    return true;
  }

  /** Opens (creating) the live file and takes up its size and period. @throws the open error, reported once per retry */
  private openLive(now: number): number {
    if (now < this.retryOpenAt) throw this.openError;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const fd = openSync(this.path, 'a', FILE_MODE);
      const { size, mtimeMs } = fstatSync(fd);
      this.fd = fd;
      this.size = size;
      this.renamed = false;
      // A file left by an earlier run belongs to the period of its last write.
      this.newestWrite = size > 0 ? Math.min(mtimeMs, now) : -Infinity;
      this.dueAt = periodEnd(this.options.schedule, size > 0 ? this.newestWrite : now);
      return fd;
    } catch (e) {
      this.retryOpenAt = now + this.retryMs;
      this.openError = e as Error;
      this.report('open', this.path, e);
      throw e;
    }
  }

  /** A rotated name at `time` or just after it that sorts after the last one and is not taken. */
  private freeRotatedName(time: number): { path: string; time: number } {
    let t = Math.max(time, this.lastRotatedAt + 1);
    const dir = dirname(this.path);
    const live = basename(this.path);
    while (existsSync(join(dir, rotatedFileName(live, t)))) t++;
    return { path: join(dir, rotatedFileName(live, t)), time: t };
  }

  private sweep(now: number): void {
    for (const { file, error } of deleteExpiredRotations(this.path, this.options.retentionMs, now).failures) this.report('retention', file, error);
  }

  private scheduleMaintenance(): void {
    const interval = this.options.maintenanceIntervalMs ?? HOUR_MS;
    if (interval === false || this.closed) return;
    // Past due means a rotation failed: look again when it may be retried, not every second.
    const untilDue = this.dueAt - this.now();
    const delay = Math.max(MIN_TIMER_MS, Math.min(interval, untilDue > 0 ? untilDue : this.retryMs));
    this.timer = setTimeout(() => {
      this.maintain();
      this.scheduleMaintenance();
    }, delay);
    this.timer.unref();
  }

  private report(operation: RotationOperation, file: string, error: unknown): void {
    try {
      this.options.onProblem?.({ operation, file, error: error instanceof Error ? error : new Error(String(error)) });
    } catch {
      // A broken listener must not stop the writing.
    }
  }
}

/**
 * Checks a schedule and retention given as values (by an embedder, or across a thread) rather
 * than parsed from the config.
 *
 * @throws AuditError `audit_invalid_config` naming what is wrong
 */
export function checkRotationOptions({ schedule, retentionMs }: Pick<RotatingFileOptions, 'schedule' | 'retentionMs'>): void {
  if (typeof retentionMs !== 'number' || !Number.isFinite(retentionMs) || retentionMs <= 0) {
    throw new AuditError('audit_invalid_config', `decision-log retention must be a positive number of milliseconds, not ${JSON.stringify(retentionMs)}`);
  }
  const kind = (schedule as { kind?: unknown } | undefined)?.kind;
  const sizeOk = kind !== 'size' || (schedule.kind === 'size' && Number.isFinite(schedule.bytes) && schedule.bytes > 0);
  if ((kind !== 'daily' && kind !== 'hourly' && kind !== 'size') || !sizeOk) {
    throw new AuditError('audit_invalid_config', `decision-log rotation must be { kind: 'daily' | 'hourly' } or { kind: 'size', bytes > 0 }, not ${JSON.stringify(schedule)}`);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or gone: nothing more is written to it.
  }
}
