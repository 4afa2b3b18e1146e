import { LRUCache } from 'lru-cache';
import type { BucketRate, ProtectionStore, TakeResult } from './store.js';

interface Bucket {
  kind: 'bucket';
  tokens: number;
  at: number;
}

/** A window kept as `WINDOW_SLOTS` slots: counts age out a slot at a time (within 1/8 of the window). */
interface Window {
  kind: 'window';
  slotMs: number;
  /** Start time of each slot, parallel to `counts`; the ring is indexed by slot number. */
  starts: number[];
  counts: number[];
}

interface Members {
  kind: 'members';
  lastSeen: Map<string, number>;
}


type Entry = Bucket | Window | Members;

const WINDOW_SLOTS = 8;

/** Members remembered per key: past this many, the oldest are forgotten (the count is already high). */
export const MAX_DISTINCT_MEMBERS = 256;

export interface MemoryStoreOptions {
  /** Most counting keys kept (buckets, windows, members; default 100,000); the least recently used go first. */
  maxEntries?: number;
  /** Most marks kept (default 100,000), apart from counts so that a flood of new keys cannot push out a ban. */
  maxMarks?: number;
}

/**
 * The protection store of a single Warden: state in one bounded LRU, so that an attacker with many
 * addresses or identities cannot grow it without limit — it forgets the least recently touched
 * keys first, and counts them (`evictions`). Answers synchronously.
 */
export class MemoryStore implements ProtectionStore {
  private readonly entries: LRUCache<string, Entry>;
  private readonly marks: LRUCache<string, number>;
  private evicted = 0;

  constructor(options: MemoryStoreOptions = {}) {
    const dispose = (_value: unknown, _key: string, reason: LRUCache.DisposeReason) => {
      if (reason === 'evict') this.evicted++;
    };
    this.entries = new LRUCache<string, Entry>({ max: options.maxEntries ?? 100_000, dispose });
    this.marks = new LRUCache<string, number>({ max: options.maxMarks ?? 100_000, dispose });
  }

  get evictions(): number {
    return this.evicted;
  }

  /** Keys held now, counts and marks. */
  get size(): number {
    return this.entries.size + this.marks.size;
  }

  take(key: string, n: number, rate: BucketRate, nowMs: number): TakeResult {
    const found = this.entries.get(key);
    let bucket: Bucket;
    if (found?.kind === 'bucket') {
      bucket = found;
      const elapsed = Math.max(0, nowMs - bucket.at);
      bucket.tokens = Math.min(rate.burst, bucket.tokens + (elapsed * rate.perSecond) / 1000);
      bucket.at = nowMs;
    } else {
      bucket = { kind: 'bucket', tokens: rate.burst, at: nowMs };
      this.entries.set(key, bucket);
    }
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      return { ok: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    }
    const missing = n - bucket.tokens;
    return { ok: false, remaining: 0, retryAfterMs: rate.perSecond > 0 ? Math.ceil((missing * 1000) / rate.perSecond) : Number.POSITIVE_INFINITY };
  }

  count(key: string, n: number, windowMs: number, nowMs: number): number {
    const slotMs = Math.max(1, Math.ceil(windowMs / WINDOW_SLOTS));
    const found = this.entries.get(key);
    let window: Window;
    if (found?.kind === 'window' && found.slotMs === slotMs) window = found;
    else {
      window = { kind: 'window', slotMs, starts: new Array<number>(WINDOW_SLOTS).fill(-Infinity), counts: new Array<number>(WINDOW_SLOTS).fill(0) };
      this.entries.set(key, window);
    }
    const slot = Math.floor(nowMs / slotMs);
    const index = slot % WINDOW_SLOTS;
    const start = slot * slotMs;
    if (window.starts[index] !== start) {
      window.starts[index] = start;
      window.counts[index] = 0;
    }
    window.counts[index]! += n;
    let total = 0;
    for (let i = 0; i < WINDOW_SLOTS; i++) {
      if (window.starts[i]! > nowMs - windowMs) total += window.counts[i]!;
    }
    return total;
  }

  distinct(key: string, member: string, windowMs: number, nowMs: number): number {
    const found = this.entries.get(key);
    let members: Members;
    if (found?.kind === 'members') members = found;
    else {
      members = { kind: 'members', lastSeen: new Map() };
      this.entries.set(key, members);
    }
    // Re-inserted so that the map stays in order of last sight: the oldest come first.
    members.lastSeen.delete(member);
    members.lastSeen.set(member, nowMs);
    for (const [m, seen] of members.lastSeen) {
      if (seen > nowMs - windowMs && members.lastSeen.size <= MAX_DISTINCT_MEMBERS) break;
      members.lastSeen.delete(m);
    }
    return members.lastSeen.size;
  }

  mark(key: string, untilMs: number): void {
    const until = this.marks.get(key);
    if (until === undefined || until < untilMs) this.marks.set(key, untilMs);
  }

  unmark(key: string): void {
    this.marks.delete(key);
  }

  marked(key: string, nowMs: number): number | undefined {
    const until = this.marks.get(key);
    if (until === undefined) return undefined;
    if (until <= nowMs) {
      this.marks.delete(key);
      return undefined;
    }
    return until;
  }
}
