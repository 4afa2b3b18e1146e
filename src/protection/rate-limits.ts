import type { CallKey, ProtectedCall, Refusal } from './protected-call.js';
import { callKey } from './protected-call.js';
import type { PolicyLimit } from '../engine/decision-limits.js';
import type { MaybePromise, ProtectionStore, TakeResult } from './store.js';

/** One token-bucket limit of the config's `rateLimits`. */
export interface RateLimitConfig {
  name: string;
  by: CallKey;
  perSecond: number;
  burst: number;
  /** Only calls to these services count against it; all when absent. */
  services?: readonly string[];
}

function refusal(limit: { name: string; perSecond: number; burst: number }, taken: TakeResult): Refusal {
  return {
    kind: 'rate_limit',
    limit: limit.name,
    reason: `rate limited: ${limit.name} (${limit.perSecond}/s, burst ${limit.burst})`,
    retryAfterMs: Number.isFinite(taken.retryAfterMs) ? taken.retryAfterMs : 1000,
  };
}

/**
 * Takes one token for `call` from every configured limit that applies, in order; the first that
 * has none refuses the call (the limits before it have counted it: it was attempted). Answers at
 * once with an in-memory store.
 */
export function takeRateLimits(limits: readonly RateLimitConfig[], call: ProtectedCall, store: ProtectionStore, nowMs: number, start = 0): MaybePromise<Refusal | undefined> {
  for (let i = start; i < limits.length; i++) {
    const limit = limits[i]!;
    if (limit.services && !limit.services.includes(call.service)) continue;
    const taken = store.take(`rl:${limit.name}:${callKey(call, limit.by)}`, 1, limit, nowMs);
    if (taken instanceof Promise) {
      return taken.then((t) => (t.ok ? takeRateLimits(limits, call, store, nowMs, i + 1) : refusal(limit, t)));
    }
    if (!taken.ok) return refusal(limit, taken);
  }
  return undefined;
}

/** Takes one token from each limit a decision asked for; the first empty one refuses the call. */
export function takePolicyLimits(limits: readonly PolicyLimit[], store: ProtectionStore, nowMs: number, start = 0): MaybePromise<Refusal | undefined> {
  for (let i = start; i < limits.length; i++) {
    const limit = limits[i]!;
    const taken = store.take(`pl:${limit.name}:${limit.key}`, 1, limit, nowMs);
    if (taken instanceof Promise) return taken.then((t) => (t.ok ? takePolicyLimits(limits, store, nowMs, i + 1) : refusal(limit, t)));
    if (!taken.ok) return refusal(limit, taken);
  }
  return undefined;
}
