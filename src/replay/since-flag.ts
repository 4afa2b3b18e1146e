import { ReplayError } from './errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A span written `7d`, `12h`, `30m`, `90s` or `2w`, in ms; `undefined` for other text. */
export function spanMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/**
 * The start of the window `--since` names, in ms since the epoch: a span back from `now`
 * (`7d`, `12h`, `30m`, `90s`, `2w`) or a time (RFC 3339, `2026-12-01T00:00:00Z`).
 *
 * @throws ReplayError `replay_usage` saying what is accepted
 */
export function sinceFlag(text: string, now: number): number {
  const span = spanMs(text);
  if (span !== undefined) return now - span;
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const time = Date.parse(text);
    if (Number.isFinite(time)) return time;
  }
  throw new ReplayError('replay_usage', `--since ${JSON.stringify(text)}: want a span back from now (7d, 12h, 30m, 90s, 2w) or an RFC 3339 time (2026-12-01T00:00:00Z)`);
}
