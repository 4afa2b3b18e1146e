import { AuditError } from './errors.js';

/**
 * When the live decision-log file is rotated: at each UTC midnight (`daily`), at each full UTC hour
 * (`hourly`), or before a write would take it past `bytes` (`size`).
 */
export type RotationSchedule = { kind: 'daily' } | { kind: 'hourly' } | { kind: 'size'; bytes: number };

/** What a decision-log file is rotated and kept by when the config says nothing. */
export const ROTATION_DEFAULTS = { rotate: 'daily', retention: '7d' } as const;

// KB/MB/GB are powers of 1000 and KiB/MiB/GiB powers of 1024, as the SI and IEC define them.
const UNIT_BYTES: Record<string, number> = { KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
/** Below a kilobyte a busy log would be rotated, and its folder listed, many times a second. */
const MIN_ROTATION_BYTES = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Reads a rotation setting as the config writes it: `daily`, `hourly` or `size:<number><unit>`
 * with a unit of KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024); `field` names it
 * in the error.
 *
 * @example
 * parseRotationSchedule('size:100MB'); // { kind: 'size', bytes: 100_000_000 }
 * @throws AuditError `audit_invalid_config` naming the field and the bad value
 */
export function parseRotationSchedule(value: unknown, field = 'decisionLogRotate'): RotationSchedule {
  if (value === 'daily' || value === 'hourly') return { kind: value };
  const size = typeof value === 'string' ? /^size:\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|KiB|MiB|GiB)$/.exec(value.trim()) : null;
  if (size) {
    const bytes = Math.floor(Number(size[1]) * UNIT_BYTES[size[2]!]!);
    if (bytes >= MIN_ROTATION_BYTES) return { kind: 'size', bytes };
    throw new AuditError('audit_invalid_config', `${field} must rotate at 1KB or more, not ${JSON.stringify(value)}`);
  }
  throw new AuditError(
    'audit_invalid_config',
    `${field} must be daily, hourly or size:<number><unit> with a unit of KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), such as size:100MB, not ${JSON.stringify(value)}`,
  );
}

/**
 * The end of the rotation period that holds `time` (ms since the epoch): the next UTC midnight or
 * full hour after it, or `Infinity` when rotating by size. Epoch milliseconds count UTC days of
 * exactly 86,400 s, so the boundaries are plain multiples.
 */
export function periodEnd(schedule: RotationSchedule, time: number): number {
  const step = schedule.kind === 'daily' ? DAY_MS : schedule.kind === 'hourly' ? HOUR_MS : undefined;
  return step === undefined ? Infinity : Math.floor(time / step) * step + step;
}
