import { callerOf, serviceOf } from './decision-filter.js';
import type { HeldRecord } from './decision-feed.js';
import { ConsoleError } from './errors.js';

/** One caller → service edge over the window. */
export interface GraphEdge {
  caller: string;
  service: string;
  allowed: number;
  denied: number;
}

/** Who called whom over a window of recent decisions. */
export interface ServiceGraph {
  windowMs: number;
  decisions: number;
  /** When the oldest decision held arrived: a window reaching further back sees only what is held. */
  heldSinceMs: number | undefined;
  edges: GraphEdge[];
}

/** The windows the graph offers. */
export const GRAPH_WINDOWS: Readonly<Record<string, number>> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000 };

/** @throws ConsoleError `console_bad_request` for a window not offered */
export function graphWindowMs(text: string | null): number {
  const ms = GRAPH_WINDOWS[text ?? '15m'];
  if (ms === undefined) throw new ConsoleError('console_bad_request', `window must be one of ${Object.keys(GRAPH_WINDOWS).join(', ')}, not ${JSON.stringify(text)}`);
  return ms;
}

/** Aggregates the decisions of the last `windowMs` into caller → service edges, busiest first. */
export function serviceGraph(held: readonly HeldRecord[], windowMs: number, nowMs: number): ServiceGraph {
  const edges = new Map<string, GraphEdge>();
  let decisions = 0;
  for (const { record, timeMs } of held) {
    if (nowMs - timeMs > windowMs) continue;
    decisions++;
    const caller = callerOf(record);
    const service = serviceOf(record);
    const key = JSON.stringify([caller, service]);
    let edge = edges.get(key);
    if (!edge) edges.set(key, (edge = { caller, service, allowed: 0, denied: 0 }));
    if (record.allowed) edge.allowed++;
    else edge.denied++;
  }
  return {
    windowMs,
    decisions,
    heldSinceMs: held[0]?.timeMs,
    edges: [...edges.values()].sort((a, b) => b.allowed + b.denied - (a.allowed + a.denied)),
  };
}
