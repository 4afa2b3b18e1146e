import { LRUCache } from 'lru-cache';
import { flatString } from './flat-string.js';
import type { Decision, DecisionShape } from './decision.js';

/** Size and lifetime of the decision cache. */
export interface DecisionCacheOptions {
  /** Most decisions kept (default 10,000); 0 disables the cache. */
  maxEntries?: number;
  /** How long a decision stays valid, in milliseconds (default 60,000). */
  ttlMs?: number;
  /**
   * Roughly how much memory each of the cache's two indexes may hold, in bytes (default 64 MiB):
   * keys are whole inputs, so without it 10,000 large requests could hold gigabytes. A decision
   * bigger than this is not cached.
   */
  maxBytes?: number;
}

/** What a decision takes beyond its key, roughly: its reasons' text and the objects around them. */
function decisionBytes(decision: Decision): number {
  let bytes = 64;
  for (const reason of decision.reasons) bytes += reason.length + 16;
  return bytes;
}

/** A decision kept for a request, with the canonical JSON of the input it was made for. */
export interface RememberedDecision {
  decision: Decision;
  inputJson: string;
  /** What asked (a request key alone does not say). */
  entrypoint: string;
  shape: DecisionShape;
}

/**
 * Decisions of one policy revision, keyed by entrypoint, decision shape and canonical input. Only
 * decisions the policy actually made are stored: failures (undefined, errors, bad shapes) never are.
 * Each revision gets a fresh cache, so a swap never serves an old revision's answer.
 */
export class DecisionCache {
  private readonly lru: LRUCache<string, Decision> | undefined;
  /** The same decisions, by the request they were made for (see `Engine.recall`). */
  private readonly byRequest: LRUCache<string, RememberedDecision> | undefined;

  constructor(options: DecisionCacheOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (max > 0) {
      const ttl = options.ttlMs ?? 60_000;
      // Staleness is judged against a clock read at most every 10 ms: ample for TTLs of seconds,
      // and it spares a clock read and a timer on the busiest lookups (lru-cache's default is 1 ms).
      const lifetime = ttl > 0 ? { ttl, ttlAutopurge: false, ttlResolution: Math.min(10, ttl) } : {};
      const maxSize = Math.max(1, Math.floor(options.maxBytes ?? 64 * 1024 * 1024));
      this.lru = new LRUCache<string, Decision>({ max, maxSize, sizeCalculation: (decision, key) => key.length + decisionBytes(decision), ...lifetime });
      this.byRequest = new LRUCache<string, RememberedDecision>({
        max,
        maxSize,
        sizeCalculation: (remembered, key) => key.length + remembered.inputJson.length + decisionBytes(remembered.decision),
        ...lifetime,
      });
    }
  }

  /** The decision remembered for a request, if any and still fresh. */
  recall(requestKey: string): RememberedDecision | undefined {
    return this.byRequest?.get(requestKey);
  }

  /**
   * Remembers a decision for a request for `ttlLeftMs` (what its cached decision has left: a
   * decision is never served longer than the TTL after it was made; `Infinity` without a TTL).
   */
  remember(requestKey: string, remembered: RememberedDecision, ttlLeftMs: number): void {
    if (!this.byRequest || remembered.decision.failure !== undefined || !(ttlLeftMs > 0)) return;
    // A request's key is its connection's (shared) and its bytes: two pieces, kept as they are.
    this.byRequest.set(requestKey, { ...remembered, inputJson: flatString(remembered.inputJson) }, Number.isFinite(ttlLeftMs) ? { ttl: ttlLeftMs } : {});
  }

  /** How long the decision cached under `key` stays fresh, in ms (0 when it is not cached, `Infinity` without a TTL). */
  ttlLeft(key: string): number {
    const left = this.lru?.getRemainingTTL(key) ?? 0;
    return left > 0 ? left : 0;
  }

  /** The cached decision for `key`, if any and still fresh. */
  get(key: string): Decision | undefined {
    return this.lru?.get(key);
  }

  /** Stores a decision, unless it records a failure; for at most `ttlLeftMs` when given (finite). */
  set(key: string, decision: Decision, ttlLeftMs?: number): void {
    if (!this.lru || decision.failure !== undefined) return;
    // Kept as long as the decision: one string, not the pieces it was built of (see flatString).
    if (ttlLeftMs === undefined || !Number.isFinite(ttlLeftMs)) this.lru.set(flatString(key), decision);
    else if (ttlLeftMs > 0) this.lru.set(flatString(key), decision, { ttl: ttlLeftMs });
  }

  /** Entries currently held. */
  get size(): number {
    return this.lru?.size ?? 0;
  }
}
