import { analyseTraffic, readGrantsFile, TrafficSummary, type Advice } from '../advisor/index.js';
import type { HeldRecord } from './decision-feed.js';

/** The advisor's output over the decisions held, or why there is none. */
export type AdviceView = { available: true; decisions: number; advice: Advice } | { available: false; reason: string };

/**
 * `warden advise` over the recent decisions: grants unused in them, denied edges that recur, the
 * minimal grants. It reads the grants from the policy directory being served.
 */
export function adviceView(held: readonly HeldRecord[], policyDir: string | undefined): AdviceView {
  if (!policyDir) return { available: false, reason: 'the advisor reads grants from a policy directory; this server serves a bundle' };
  let grants;
  try {
    grants = readGrantsFile(policyDir);
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  }
  const summary = new TrafficSummary();
  for (const { record, timeMs } of held) summary.add(record, timeMs);
  return { available: true, decisions: held.length, advice: analyseTraffic(summary, grants) };
}
