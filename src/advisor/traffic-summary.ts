import type { DecisionRecord } from '../audit/index.js';
import { callEdgeOf, type CallEdge } from '../replay/call-edge.js';
import { redactedAt, refusedByCountermeasure } from '../replay/replay-input.js';

/** How often one call (caller, service, action) was seen, and when first and last. */
export interface SeenEdge {
  edge: CallEdge & { namespace: string; serviceAccount: string };
  count: number;
  firstMs: number;
  lastMs: number;
}

/** One denial, for the probing check: when, and on what (`service action`). */
export interface Denial {
  timeMs: number;
  target: string;
}

/**
 * The traffic of a window of decisions, aggregated as it is read (a log of millions of records is
 * never held): allowed and denied calls of workload identities by caller, service and action, and
 * each caller's denials in time order for the probing check.
 */
export class TrafficSummary {
  readonly allowed = new Map<string, SeenEdge>();
  readonly denied = new Map<string, SeenEdge>();
  /** Denials by caller (`namespace/service_account`), in the order read. */
  readonly denialsByCaller = new Map<string, Denial[]>();
  decisions = 0;
  /** Decisions whose caller is not a workload identity, or whose call was redacted: no grant can name them. */
  unattributable = 0;
  /** Denials a countermeasure gave (a ban, the address deny list, a rate limit): not the grants' doing. */
  countermeasureDenials = 0;

  /** Adds one decision record made at `timeMs`. */
  add(record: DecisionRecord, timeMs: number): void {
    this.decisions++;
    if (refusedByCountermeasure(record)) {
      this.countermeasureDenials++;
      return;
    }
    const edge = callEdgeOf(record);
    if (edge.namespace === undefined || edge.serviceAccount === undefined || edge.service === '' || redactedAt([edge.namespace, edge.serviceAccount, edge.service, edge.action])) {
      this.unattributable++;
      return;
    }
    const named = edge as SeenEdge['edge'];
    const key = `${named.service}\0${named.namespace}\0${named.serviceAccount}\0${named.action}`;
    const table = record.allowed ? this.allowed : this.denied;
    const seen = table.get(key);
    if (seen) {
      seen.count++;
      seen.firstMs = Math.min(seen.firstMs, timeMs);
      seen.lastMs = Math.max(seen.lastMs, timeMs);
    } else table.set(key, { edge: named, count: 1, firstMs: timeMs, lastMs: timeMs });
    if (!record.allowed) {
      let list = this.denialsByCaller.get(named.caller);
      if (!list) this.denialsByCaller.set(named.caller, (list = []));
      list.push({ timeMs, target: `${named.service} ${named.action}` });
    }
  }
}
