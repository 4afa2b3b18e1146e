import { DurationError, parseGoDuration } from '../builtins/time/go-duration.js';

/**
 * A duration flag as OPA's CLI reads it (Go's syntax: `500ms`, `5s`, `1m30s`), in milliseconds.
 *
 * @throws Error naming the flag when the text is not a non-negative Go duration
 */
export function durationFlag(text: string, flag: string): number {
  try {
    const ns = parseGoDuration(text);
    if (ns >= 0n) return Number(ns) / 1e6;
  } catch (e) {
    if (!(e instanceof DurationError)) throw e;
  }
  throw new Error(`${flag} ${JSON.stringify(text)}: not a duration (e.g. 500ms, 5s, 1m30s)`);
}
