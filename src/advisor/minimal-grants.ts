import { grantCovers, type Grant } from './grant.js';
import type { SeenEdge } from './traffic-summary.js';

/**
 * The smallest grants that allow exactly the observed allowed calls: one grant per service and
 * caller seen allowed, naming that caller exactly (no `*`) and only the actions it used. Grants
 * keep the order of the first existing grant that covered them (so the diff stays small), new
 * ones after, by service and caller; actions keep the existing grant's order, new ones after, sorted.
 */
export function minimalGrants(allowed: Iterable<SeenEdge>, existing: readonly Grant[]): Grant[] {
  const byCaller = new Map<string, { grant: Grant; rank: number; actions: Set<string> }>();
  for (const { edge } of allowed) {
    const key = `${edge.service}\0${edge.namespace}\0${edge.serviceAccount}`;
    let entry = byCaller.get(key);
    if (!entry) {
      const rank = existing.findIndex((g) => grantCovers(g, edge));
      entry = { grant: { service: edge.service, caller: { namespace: edge.namespace, service_account: edge.serviceAccount }, actions: [] }, rank: rank < 0 ? Infinity : rank, actions: new Set() };
      byCaller.set(key, entry);
    }
    entry.actions.add(edge.action);
  }
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const entries = [...byCaller.values()].sort(
    (a, b) =>
      (a.rank === b.rank ? 0 : a.rank - b.rank) ||
      compare(a.grant.service, b.grant.service) ||
      compare(a.grant.caller.namespace, b.grant.caller.namespace) ||
      compare(a.grant.caller.service_account, b.grant.caller.service_account),
  );
  return entries.map(({ grant, rank, actions }) => {
    const order = Number.isFinite(rank) ? existing[rank]!.actions : [];
    const known = order.filter((a) => actions.has(a));
    const added = [...actions].filter((a) => !order.includes(a)).sort(compare);
    return { ...grant, actions: [...known, ...added] };
  });
}
