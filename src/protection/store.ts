/**
 * The state countermeasures keep — token buckets, windows of counts, distinct members seen, bans,
 * learned facts — behind one interface, so that replicas can share it (Redis, a later issue) while a
 * single Warden keeps it in memory. Every operation is one atomic step on one key (take N tokens,
 * add and count, set until), which is what a Redis script does in one round trip; an in-memory store
 * answers at once, a remote one with a promise.
 */

/** A value now, or later for a store across the network. */
export type MaybePromise<T> = T | Promise<T>;

/** A token bucket's shape: `burst` tokens at most, refilled at `perSecond`. */
export interface BucketRate {
  perSecond: number;
  burst: number;
}

/** What taking tokens from a bucket gave. */
export interface TakeResult {
  ok: boolean;
  /** Tokens left after the take (0 when refused). */
  remaining: number;
  /** When refused: how long until `n` tokens are there, in ms. */
  retryAfterMs: number;
}

/** Counts kept per key; every key expires on its own when not touched (see each method). */
export interface ProtectionStore {
  /** Takes `n` tokens from the bucket `key` at `nowMs`, or none if fewer are there. */
  take(key: string, n: number, rate: BucketRate, nowMs: number): MaybePromise<TakeResult>;
  /** Adds `n` events at `nowMs` to the window `key` and returns how many fall within the last `windowMs`. */
  count(key: string, n: number, windowMs: number, nowMs: number): MaybePromise<number>;
  /** Notes `member` under `key` at `nowMs`; returns how many distinct members were seen within `windowMs`. */
  distinct(key: string, member: string, windowMs: number, nowMs: number): MaybePromise<number>;
  /** Marks `key` until `untilMs` (a ban); a later mark with a later end extends it. */
  mark(key: string, untilMs: number): MaybePromise<void>;
  /** Ends the mark on `key` now (an alert resolved before its end). */
  unmark(key: string): MaybePromise<void>;
  /** When the mark on `key` ends, if it is still on at `nowMs`. */
  marked(key: string, nowMs: number): MaybePromise<number | undefined>;
  /** Keys dropped to keep the store within its bounds, since it started. */
  readonly evictions: number;
}
