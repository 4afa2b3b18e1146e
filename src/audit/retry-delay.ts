/** Bounds of the shipper's exponential back-off between failed uploads. */
export interface BackoffBounds {
  firstMs: number;
  maxMs: number;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): `firstMs` doubled per attempt up
 * to `maxMs`, then scaled by a random factor in [0.5, 1) so many servers that lost the same
 * collector do not all come back at once.
 */
export function jitteredBackoff(attempt: number, bounds: BackoffBounds, random: () => number = Math.random): number {
  const ceiling = Math.min(bounds.maxMs, bounds.firstMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * The wait a `Retry-After` header asks for (delay-seconds or an HTTP date), in milliseconds, or
 * `undefined` when it is absent or unreadable.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
