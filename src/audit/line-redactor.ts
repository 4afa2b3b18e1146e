import { LRUCache } from 'lru-cache';
import { RECORD_HEAD_FIELDS, RECORD_LATENCY as LATENCY, recordHead } from './record-json.js';
import { createRedactor, mayNeedRedaction } from './redact.js';

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const HEAD_FIELDS = new Set<string>([...RECORD_HEAD_FIELDS, 'latency', '*']);
/** Default bounds of the memo of redacted middles: entries, and bytes of middles and their redacted forms together. */
export const MEMO_DEFAULTS = { entries: 10_000, bytes: 32 * 1024 * 1024 };
/** How the middle of a cached decision's record ends: only those recur (a fresh decision's record is seen once). */
const CACHED_END = `"cached":true,${LATENCY}`;

/** Bounds of the memo of {@link createLineRedactor}. */
export interface LineMemoOptions {
  /** Most middles remembered (default 10,000). */
  entries?: number;
  /** Most bytes remembered, middles and redacted forms counted at two bytes a character (default 32 MiB). */
  bytes?: number;
}

/** A line redactor, with what its memo holds now. */
export interface LineRedactor {
  (recordJson: string): string;
  /** Entries and bytes (two a character) the memo of redacted middles holds. */
  readonly memo: { entries: number; bytes: number };
}

/**
 * Turns a decision record's JSON text into its redacted line body (`{"log":"decision",…}`, no
 * newline). Records of one cached decision differ only in their head (id, time) and latency, so
 * the redacted middle is remembered by its text: the same middle is parsed and redacted once, not
 * on every call. The memo is a least-recently-used cache bounded by entries and by bytes (large
 * requests would otherwise fill the worker's heap); a middle larger than the byte bound is not
 * remembered. Without configured paths, a middle that holds nothing to redact (see
 * mayNeedRedaction) is not parsed at all. Text of any other shape is parsed and redacted whole.
 */
export function createLineRedactor(redactPaths: string[] = [], memoOptions: LineMemoOptions = {}): LineRedactor {
  const redact = createRedactor({ paths: redactPaths });
  const screened = redactPaths.length === 0;
  const middles = new LRUCache<string, string>({
    max: memoOptions.entries ?? MEMO_DEFAULTS.entries,
    maxSize: memoOptions.bytes ?? MEMO_DEFAULTS.bytes,
    sizeCalculation: (redacted, middle) => Math.max(1, 2 * (middle.length + redacted.length)),
  });
  const withMemo = (f: (text: string) => string): LineRedactor =>
    Object.defineProperty(f, 'memo', { get: () => ({ entries: middles.size, bytes: middles.calculatedSize }) }) as LineRedactor;
  const full = (text: string) => `{"log":"decision",${JSON.stringify(redact(JSON.parse(text))).slice(1)}`;
  // A configured path into the head or latency would need them redacted too: no shortcut then.
  if (redactPaths.some((p) => HEAD_FIELDS.has(p.split('.')[0]!))) return withMemo(full);

  return withMemo((text) => {
    const head = recordHead(text);
    const at = text.lastIndexOf(LATENCY);
    if (head === undefined || at < head.length || !text.endsWith('}')) return full(text);
    const latency = text.slice(at + LATENCY.length, -1);
    if (!NUMBER.test(latency)) return full(text);
    const middle = text.slice(head.length, at + LATENCY.length);
    // Only cached decisions' middles are remembered: a fresh one is not looked up (hashing a middle costs a pass over it).
    const recurs = middle.endsWith(CACHED_END);
    let redacted = recurs ? middles.get(middle) : undefined;
    if (redacted === undefined) {
      const members = `{${middle}0}`;
      const body = screened && !mayNeedRedaction(members) ? members : JSON.stringify(redact(JSON.parse(members)));
      if (!body.endsWith(`${LATENCY}0}`)) return full(text);
      redacted = body.slice(1, -2);
      if (recurs) middles.set(middle, redacted);
    }
    return `{"log":"decision",${head.slice(1)}${redacted}${latency}}`;
  });
}
