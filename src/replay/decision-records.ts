import type { DecisionRecord } from '../audit/index.js';
import { parseDecisionLine } from './decision-line.js';
import { logLines, type BrokenFile } from './log-lines.js';
import type { UnreadableLine } from './replay-report.js';

/** Which records to read: those at or after `sinceMs`, at most `limit` of them. */
export interface RecordWindow {
  sinceMs?: number;
  limit?: number;
}

/** What reading the logs met besides the records themselves. */
export interface ReadTally {
  records: number;
  outsideWindow: number;
  otherLines: number;
  unreadable: number;
  /** The first places that could not be read (all are counted in `unreadable`). */
  unreadableLines: UnreadableLine[];
}

export function emptyTally(): ReadTally {
  return { records: 0, outsideWindow: 0, otherLines: 0, unreadable: 0, unreadableLines: [] };
}

/**
 * The decision records of `files` within `window`, in file order, with their time. Lines that
 * cannot be read are counted in `tally` (the first `listLimit` with their `file:line`) and
 * skipped; a file that breaks part-way is one unreadable place, `file:line` after the last good line.
 */
export async function* decisionRecords(files: readonly string[], window: RecordWindow, tally: ReadTally, listLimit: number): AsyncGenerator<{ record: DecisionRecord; timeMs: number }> {
  const unreadable = (at: string, problem: string): void => {
    tally.unreadable++;
    if (tally.unreadableLines.length < listLimit) tally.unreadableLines.push({ at, problem });
  };
  const onBroken = (b: BrokenFile): void => unreadable(`${b.file}:${b.afterLine + 1}`, `the file cannot be read from here on (${b.message})`);
  for await (const line of logLines(files, onBroken)) {
    const parsed = parseDecisionLine(line.text);
    if (parsed.kind === 'other') {
      if (line.text.trim() !== '') tally.otherLines++;
      continue;
    }
    if (parsed.kind === 'unreadable') {
      unreadable(`${line.file}:${line.line}`, parsed.problem);
      continue;
    }
    if (window.sinceMs !== undefined && parsed.timeMs < window.sinceMs) {
      tally.outsideWindow++;
      continue;
    }
    if (window.limit !== undefined && tally.records >= window.limit) return;
    tally.records++;
    yield parsed;
  }
}
