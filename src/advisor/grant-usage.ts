import { grantCovers, type Grant } from './grant.js';
import type { SeenEdge } from './traffic-summary.js';

/** Whether one grant was used in the window, how often, and which of its actions were. */
export interface GrantUse {
  /** Index in data.json's grants. */
  index: number;
  grant: Grant;
  /** Allowed decisions the grant covers. */
  decisions: number;
  lastUsed?: string;
  /** Actions of the grant no allowed decision used (`*` counts as used by any action). */
  unusedActions: string[];
}

/**
 * For each grant, the allowed decisions it covers (see grantCovers: a decision used a grant when
 * its caller's namespace and service account, service and action match it, `*` as the policy
 * treats it). A decision several grants cover counts for each. Grants with no decision are the
 * candidates to remove; actions no decision used, candidates to trim.
 */
export function grantUsage(grants: readonly Grant[], allowed: Iterable<SeenEdge>): GrantUse[] {
  const uses = grants.map((grant, index) => ({ index, grant, decisions: 0, lastMs: -Infinity, usedActions: new Set<string>() }));
  for (const seen of allowed) {
    for (const use of uses) {
      if (!grantCovers(use.grant, seen.edge)) continue;
      use.decisions += seen.count;
      use.lastMs = Math.max(use.lastMs, seen.lastMs);
      for (const action of use.grant.actions) if (action === '*' || action === seen.edge.action) use.usedActions.add(action);
    }
  }
  return uses.map((u) => ({
    index: u.index,
    grant: u.grant,
    decisions: u.decisions,
    lastUsed: u.decisions > 0 ? new Date(u.lastMs).toISOString() : undefined,
    unusedActions: u.grant.actions.filter((a) => !u.usedActions.has(a)),
  }));
}
