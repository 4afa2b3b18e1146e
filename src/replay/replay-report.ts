import type { DecisionApi } from '../audit/index.js';
import { CHANGE_KINDS, type ChangeKind } from './decision-change.js';

/** One decision that would change, as the report shows it. */
export interface ChangeExample {
  decision_id: string;
  time: string;
  api: DecisionApi;
  /** `namespace/service_account` of the subject, or its id when it has none. */
  caller: string;
  service: string;
  action: string;
  before: { allowed: boolean; reasons: string[] };
  after: { allowed: boolean; reasons: string[] };
}

/** A place in a log that could not be read: `file:line` and why. */
export interface UnreadableLine {
  at: string;
  problem: string;
}

/** Counts of one group, by change kind. */
export type KindCounts = Record<ChangeKind, number>;

/** What `warden replay` found (its `--format json` output). */
export interface ReplayReport {
  candidate: { source: string; revision: string };
  window: { since?: string; limit?: number };
  files: string[];
  /** Decision records read in the window (replayed or not). */
  records: number;
  replayed: number;
  unchanged: number;
  /** Envoy and HTTP records replayed without OPA-Envoy's `attributes` and body, which the log does not keep. */
  replayedWithoutEnvoyAttributes: number;
  changes: KindCounts;
  byService: Record<string, KindCounts>;
  /** `caller -> service` edges. */
  byEdge: Record<string, KindCounts>;
  /** Up to `examplesPerKind` decisions of each kind, oldest first. */
  examples: Record<ChangeKind, ChangeExample[]>;
  notReplayable: { total: number; byReason: Record<string, number> };
  /** Records before `--since` (skipped). */
  outsideWindow: number;
  /** Lines of other logs sharing the file (a shared stdout). */
  otherLines: number;
  unreadable: { total: number; lines: UnreadableLine[] };
  /** True when some allowed call would be denied (the CI gate: exit 1). */
  wouldDenyAllowed: boolean;
}

/** How many unreadable places and examples a report lists (all are counted). */
export const REPORT_LIST_LIMITS = { unreadableLines: 50, examplesPerKind: 10 } as const;

export function zeroCounts(): KindCounts {
  return Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as KindCounts;
}

export function emptyExamples(): Record<ChangeKind, ChangeExample[]> {
  return Object.fromEntries(CHANGE_KINDS.map((k) => [k, []])) as unknown as Record<ChangeKind, ChangeExample[]>;
}

/** Adds one change of `kind` to the counts of `group` in `table`. */
export function countInto(table: Record<string, KindCounts>, group: string, kind: ChangeKind): void {
  (table[group] ??= zeroCounts())[kind]++;
}
