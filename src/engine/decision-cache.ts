import { LRUCache } from 'lru-cache';
import type { Decision } from './decision.js';

/** Size and lifetime of the decision cache. */
export interface DecisionCacheOptions {
  /** Most decisions kept (default 10,000); 0 disables the cache. */
  maxEntries?: number;
  /** How long a decision stays valid, in milliseconds (default 60,000). */
  ttlMs?: number;
}

/**
 * Decisions of one policy revision, keyed by entrypoint, decision shape and canonical input. Only
 * decisions the policy actually made are stored: failures (undefined, errors, bad shapes) never are.
 * Each revision gets a fresh cache, so a swap never serves an old revision's answer.
 */
export class DecisionCache {
  private readonly lru: LRUCache<string, Decision> | undefined;

  constructor(options: DecisionCacheOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (max > 0) {
      const ttl = options.ttlMs ?? 60_000;
      this.lru = new LRUCache<string, Decision>({ max, ...(ttl > 0 ? { ttl, ttlAutopurge: false } : {}) });
    }
  }

  /** The cached decision for `key`, if any and still fresh. */
  get(key: string): Decision | undefined {
    return this.lru?.get(key);
  }

  /** Stores a decision, unless it records a failure. */
  set(key: string, decision: Decision): void {
    if (this.lru && decision.failure === undefined) this.lru.set(key, decision);
  }

  /** Entries currently held. */
  get size(): number {
    return this.lru?.size ?? 0;
  }
}
