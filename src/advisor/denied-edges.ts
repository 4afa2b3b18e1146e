import { probingEvidence, type ProbingEvidence, type ProbingRule } from './probing.js';
import type { TrafficSummary } from './traffic-summary.js';

/** A caller → service edge that was denied, with its actions: a candidate to grant, unless it looks like probing. */
export interface DeniedEdge {
  caller: string;
  service: string;
  denials: number;
  /** Denials by action. */
  actions: Record<string, number>;
  firstSeen: string;
  lastSeen: string;
  /** Set when the caller looks like probing (see ProbingRule): do not grant, investigate. */
  probing?: ProbingEvidence;
}

/**
 * The caller → service edges denied at least `minDenials` times in the window, most denied first,
 * and every edge of a caller that looks like probing (a probe tries each target once or twice).
 * Each carries the caller's probing evidence when it has some.
 */
export function recurringDeniedEdges(summary: TrafficSummary, minDenials: number, rule: ProbingRule): DeniedEdge[] {
  const edges = new Map<string, DeniedEdge & { firstMs: number; lastMs: number }>();
  for (const seen of summary.denied.values()) {
    const key = `${seen.edge.caller}\0${seen.edge.service}`;
    let edge = edges.get(key);
    if (!edge) edges.set(key, (edge = { caller: seen.edge.caller, service: seen.edge.service, denials: 0, actions: {}, firstSeen: '', lastSeen: '', firstMs: Infinity, lastMs: -Infinity }));
    edge.denials += seen.count;
    edge.actions[seen.edge.action] = (edge.actions[seen.edge.action] ?? 0) + seen.count;
    edge.firstMs = Math.min(edge.firstMs, seen.firstMs);
    edge.lastMs = Math.max(edge.lastMs, seen.lastMs);
  }
  const evidence = new Map<string, ProbingEvidence | undefined>();
  const probingOf = (caller: string): ProbingEvidence | undefined => {
    if (!evidence.has(caller)) evidence.set(caller, probingEvidence(summary.denialsByCaller.get(caller) ?? [], rule));
    return evidence.get(caller);
  };
  return [...edges.values()]
    .filter((e) => e.denials >= minDenials || probingOf(e.caller) !== undefined)
    .sort((a, b) => b.denials - a.denials || (a.caller < b.caller ? -1 : a.caller > b.caller ? 1 : a.service < b.service ? -1 : 1))
    .map(({ firstMs, lastMs, ...edge }) => {
      const probing = probingOf(edge.caller);
      return { ...edge, firstSeen: new Date(firstMs).toISOString(), lastSeen: new Date(lastMs).toISOString(), ...(probing ? { probing } : {}) };
    });
}

/** A caller whose denials look like probing, with the evidence. */
export interface ProbingCaller {
  caller: string;
  denials: number;
  evidence: ProbingEvidence;
}

/** Every caller whose denials look like probing under `rule`, by caller. */
export function probingCallers(summary: TrafficSummary, rule: ProbingRule): ProbingCaller[] {
  const out: ProbingCaller[] = [];
  for (const [caller, denials] of summary.denialsByCaller) {
    const evidence = probingEvidence(denials, rule);
    if (evidence) out.push({ caller, denials: denials.length, evidence });
  }
  return out.sort((a, b) => (a.caller < b.caller ? -1 : 1));
}
