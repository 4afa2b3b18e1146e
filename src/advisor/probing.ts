import type { Denial } from './traffic-summary.js';

/**
 * When a caller's denials look like probing: `targets` or more distinct service/action pairs
 * denied within `windowMs` of each other. A misconfigured client is denied on one or two calls
 * over and over; a caller that walks across many services and actions in minutes is exploring.
 */
export interface ProbingRule {
  targets: number;
  windowMs: number;
}

export const DEFAULT_PROBING: ProbingRule = { targets: 5, windowMs: 10 * 60_000 };

/** What made a caller look like probing: the busiest window found. */
export interface ProbingEvidence {
  /** Distinct service/action pairs denied within the window. */
  targets: number;
  from: string;
  to: string;
}

/**
 * The largest number of distinct targets a caller was denied on within `rule.windowMs` (a sliding
 * window over its denials sorted by time), with the window; `undefined` unless it reaches `rule.targets`.
 */
export function probingEvidence(denials: readonly Denial[], rule: ProbingRule): ProbingEvidence | undefined {
  const sorted = [...denials].sort((a, b) => a.timeMs - b.timeMs);
  const inWindow = new Map<string, number>();
  let best: ProbingEvidence | undefined;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    const d = sorted[end]!;
    inWindow.set(d.target, (inWindow.get(d.target) ?? 0) + 1);
    while (d.timeMs - sorted[start]!.timeMs > rule.windowMs) {
      const old = sorted[start++]!;
      const left = inWindow.get(old.target)! - 1;
      if (left === 0) inWindow.delete(old.target);
      else inWindow.set(old.target, left);
    }
    if (inWindow.size >= rule.targets && (!best || inWindow.size > best.targets)) {
      best = { targets: inWindow.size, from: new Date(sorted[start]!.timeMs).toISOString(), to: new Date(d.timeMs).toISOString() };
    }
  }
  return best;
}
