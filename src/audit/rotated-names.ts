/**
 * Names of rotated decision-log files: the live file's name, a dot, and a UTC time in ISO 8601 with
 * `-` for `:` (`decisions.log.2026-12-04T00-00-00.000Z`). Fixed width, so sorting the names sorts
 * the files by time. The time is when the file was closed: no record in it is newer.
 */

const STAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})Z$/;

/** The name of `liveName` rotated out at `time` (ms since the epoch). */
export function rotatedFileName(liveName: string, time: number): string {
  return `${liveName}.${new Date(time).toISOString().replaceAll(':', '-')}`;
}

/**
 * The time in `name` if it is a rotated file of `liveName` (exactly the pattern
 * {@link rotatedFileName} writes, with a real date), otherwise `undefined`.
 */
export function rotatedFileTime(liveName: string, name: string): number | undefined {
  if (!name.startsWith(`${liveName}.`)) return undefined;
  const m = STAMP.exec(name.slice(liveName.length + 1));
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`;
  const time = Date.parse(iso);
  // Printing it back catches dates that do not exist (2026-02-30, hour 24).
  return Number.isFinite(time) && new Date(time).toISOString() === iso ? time : undefined;
}
