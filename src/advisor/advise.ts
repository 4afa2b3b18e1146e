import type { DecisionRecord } from '../audit/index.js';
import { decisionRecords, emptyTally, type RecordWindow } from '../replay/decision-records.js';
import { checkLogFiles } from '../replay/log-lines.js';
import type { UnreadableLine } from '../replay/replay-report.js';
import { probingCallers, recurringDeniedEdges, type DeniedEdge, type ProbingCaller } from './denied-edges.js';
import type { Grant } from './grant.js';
import { grantUsage, type GrantUse } from './grant-usage.js';
import { dataJsonWithGrants, unifiedDiff } from './grants-diff.js';
import { AdvisorError } from './errors.js';
import { readBundleGrantsFile, readGrantsFile, type GrantsFile } from './grants-file.js';
import { minimalGrants } from './minimal-grants.js';
import { DEFAULT_PROBING, type ProbingRule } from './probing.js';
import { TrafficSummary } from './traffic-summary.js';

/** Options of {@link analyseTraffic}. */
export interface AdviceOptions {
  /** Fewest denials that make a denied edge recurring (default 2). */
  minDenials?: number;
  probing?: ProbingRule;
}

/** What `warden advise` found (its `--format json` output; the console shows the same). */
export interface Advice {
  /** The data file the grants are in, relative to the policy directory. */
  grantsFile: string;
  decisions: { total: number; allowed: number; denied: number; unattributable: number; countermeasureDenials: number };
  grants: GrantUse[];
  /** Grants no allowed decision used in the window: candidates to remove. */
  unusedGrants: GrantUse[];
  /** Caller → service edges denied at least `minDenials` times: candidates to grant, unless `probing`. */
  deniedEdges: DeniedEdge[];
  /** Callers denied on `probingRule.targets`+ distinct service/action pairs within `probingRule.windowMs`. */
  probingCallers: ProbingCaller[];
  probingRule: ProbingRule;
  /** Grants that allow exactly the allowed calls observed, and the diff of data.json to them. */
  minimalGrants: Grant[];
  minimalGrantsDiff: string;
}

/** Counts of what was read besides the decisions (from the log files). */
export interface AdviceReading {
  files: string[];
  since?: string;
  outsideWindow: number;
  otherLines: number;
  unreadable: { total: number; lines: UnreadableLine[] };
}

function sum(edges: Iterable<{ count: number }>): number {
  let n = 0;
  for (const e of edges) n += e.count;
  return n;
}

/**
 * The least-privilege analysis of a window of traffic against the grants of `grantsFile`: a
 * library function, so the console can call it on decisions it already holds.
 *
 * @example
 * const summary = new TrafficSummary();
 * for (const { record, timeMs } of decisions) summary.add(record, timeMs);
 * const advice = analyseTraffic(summary, readGrantsFile('policies'));
 */
export function analyseTraffic(summary: TrafficSummary, grantsFile: GrantsFile, options: AdviceOptions = {}): Advice {
  const probingRule = options.probing ?? DEFAULT_PROBING;
  const grants = grantUsage(grantsFile.grants, summary.allowed.values());
  const minimal = minimalGrants(summary.allowed.values(), grantsFile.grants);
  return {
    grantsFile: grantsFile.relativePath,
    decisions: {
      total: summary.decisions,
      allowed: sum(summary.allowed.values()),
      denied: sum(summary.denied.values()),
      unattributable: summary.unattributable,
      countermeasureDenials: summary.countermeasureDenials,
    },
    grants,
    unusedGrants: grants.filter((g) => g.decisions === 0),
    deniedEdges: recurringDeniedEdges(summary, options.minDenials ?? 2, probingRule),
    probingCallers: probingCallers(summary, probingRule),
    probingRule,
    minimalGrants: minimal,
    minimalGrantsDiff: unifiedDiff(grantsFile, dataJsonWithGrants(grantsFile, minimal)),
  };
}

/** Options of {@link adviseFromLogs}. */
export interface AdviseOptions extends RecordWindow, AdviceOptions {
  files: string[];
  /** The policy directory whose data.json holds the grants (the bundled layout). */
  policies?: string;
  /** Or an OPA bundle file (`.tar.gz`) holding that data.json; one of the two. */
  bundle?: string;
}

/** Summarises decision records (already read, in any order) for {@link analyseTraffic}. */
export function summariseDecisions(records: Iterable<{ record: DecisionRecord; timeMs: number }>): TrafficSummary {
  const summary = new TrafficSummary();
  for (const { record, timeMs } of records) summary.add(record, timeMs);
  return summary;
}

/**
 * Reads decision logs (plain or gzipped, unreadable lines counted with their place) and advises
 * on the grants of `options.policies` (a directory) or `options.bundle` (a bundle file).
 *
 * @throws ReplayError `replay_log_unreadable` for a missing log, AdvisorError for a layout it does
 *   not read, or for neither or both of `policies` and `bundle`
 */
export async function adviseFromLogs(options: AdviseOptions): Promise<Advice & { reading: AdviceReading }> {
  checkLogFiles(options.files);
  if ((options.policies === undefined) === (options.bundle === undefined)) throw new AdvisorError('advisor_unsupported_layout', 'give the grants as a policy directory or a bundle file, one of them');
  const grantsFile = options.bundle !== undefined ? await readBundleGrantsFile(options.bundle) : readGrantsFile(options.policies!);
  const tally = emptyTally();
  const summary = new TrafficSummary();
  for await (const { record, timeMs } of decisionRecords(options.files, options, tally, 50)) summary.add(record, timeMs);
  return {
    ...analyseTraffic(summary, grantsFile, options),
    reading: {
      files: options.files,
      since: options.sinceMs === undefined ? undefined : new Date(options.sinceMs).toISOString(),
      outsideWindow: tally.outsideWindow,
      otherLines: tally.otherLines,
      unreadable: { total: tally.unreadable, lines: tally.unreadableLines },
    },
  };
}
