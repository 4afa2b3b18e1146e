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

/** A limit by its name and bucket shape. */
type NamedRate = { name: string; perSecond: number; burst: number };

function refusal(limit: NamedRate, taken: TakeResult): Refusal {
  return {
    kind: 'rate_limit',
    limit: limit.name,
    reason: `rate limited: ${limit.name} (${limit.perSecond}/s, burst ${limit.burst})`,
    retryAfterMs: Number.isFinite(taken.retryAfterMs) ? taken.retryAfterMs : 1000,
  };
}

/**
 * Takes one token from the bucket `keyOf` names for each limit (none when it gives `undefined`), in
 * order; the first that has none refuses the call (the limits before it have counted it: it was
 * attempted). Answers at once with an in-memory store.
 */
function takeEach<L extends NamedRate>(limits: readonly L[], keyOf: (limit: L) => string | undefined, store: ProtectionStore, nowMs: number, start = 0): MaybePromise<Refusal | undefined> {
  for (let i = start; i < limits.length; i++) {
    const limit = limits[i]!;
    const key = keyOf(limit);
    if (key === undefined) continue;
    const taken = store.take(key, 1, limit, nowMs);
    if (taken instanceof Promise) return taken.then((t) => (t.ok ? takeEach(limits, keyOf, store, nowMs, i + 1) : refusal(limit, t)));
    if (!taken.ok) return refusal(limit, taken);
  }
  return undefined;
}

/** Takes one token for `call` from every configured limit that applies to it (`services`). */
export function takeRateLimits(limits: readonly RateLimitConfig[], call: ProtectedCall, store: ProtectionStore, nowMs: number): MaybePromise<Refusal | undefined> {
  return takeEach(limits, (limit) => (limit.services && !limit.services.includes(call.service) ? undefined : `rl:${limit.name}:${callKey(call, limit.by)}`), store, nowMs);
}

/** Takes one token from each limit a decision asked for; the first empty one refuses the call. */
export function takePolicyLimits(limits: readonly PolicyLimit[], store: ProtectionStore, nowMs: number): MaybePromise<Refusal | undefined> {
  return takeEach(limits, (limit) => `pl:${limit.name}:${limit.key}`, store, nowMs);
}
