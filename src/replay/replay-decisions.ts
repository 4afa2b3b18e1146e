import type { DecisionRecord } from '../audit/index.js';
import { callEdgeOf } from './call-edge.js';
import { loadCandidate, type CandidateDecision, type CandidateSource } from './candidate-policy.js';
import { decisionChange, type ChangeKind } from './decision-change.js';
import { decisionRecords, emptyTally, type RecordWindow } from './decision-records.js';
import { checkLogFiles } from './log-lines.js';
import { rebuildInput, type ReplayEntrypoints } from './replay-input.js';
import { countInto, emptyExamples, REPORT_LIST_LIMITS, zeroCounts, type ReplayReport } from './replay-report.js';

/** What {@link replayDecisions} replays, and against what. */
export interface ReplayOptions extends RecordWindow {
  /** Decision logs, plain or gzipped, live or rotated, in the order to read them. */
  files: string[];
  /** The candidate revision: `policies` (a directory) or `bundle` (a `.tar.gz`). */
  policies?: string;
  bundle?: string;
  /** The entrypoints the live service used (default `warden/authz/decision` for both). */
  entrypoints?: Partial<ReplayEntrypoints>;
  regoVersion?: 0 | 1;
}

export const DEFAULT_DECISION = 'warden/authz/decision';

function notReplayable(report: ReplayReport, reason: string): void {
  report.notReplayable.total++;
  report.notReplayable.byReason[reason] = (report.notReplayable.byReason[reason] ?? 0) + 1;
}

function recordChange(report: ReplayReport, record: DecisionRecord, kind: ChangeKind, after: CandidateDecision): void {
  const edge = callEdgeOf(record);
  report.changes[kind]++;
  countInto(report.byService, edge.service, kind);
  countInto(report.byEdge, `${edge.caller} -> ${edge.service}`, kind);
  const examples = report.examples[kind];
  if (examples.length < REPORT_LIST_LIMITS.examplesPerKind) {
    examples.push({
      decision_id: record.decision_id,
      time: record.time,
      api: record.api,
      caller: edge.caller,
      service: edge.service,
      action: edge.action,
      before: { allowed: record.allowed, reasons: record.reasons },
      after,
    });
  }
}

/**
 * Re-decides the recorded decisions of `files` with a candidate revision and reports every
 * decision that would change (allow→deny, deny→allow, an allow with other reasons), grouped by
 * kind, service and caller→service edge, with examples. Decisions whose input cannot be rebuilt
 * faithfully (redacted, refused before or beside the policy) are counted as not replayable, never
 * as a change or a match; unreadable lines are counted with their `file:line`.
 *
 * @example
 * const report = await replayDecisions({ files: ['decisions.log', 'decisions.log.2026-12-02T00-00-00.000Z.gz'], policies: 'policies/' });
 * if (report.wouldDenyAllowed) process.exitCode = 1;
 * @throws ReplayError `replay_log_unreadable` (a file missing) or `replay_policy_failed` (the candidate does not load)
 */
export async function replayDecisions(options: ReplayOptions): Promise<ReplayReport> {
  checkLogFiles(options.files);
  const decision = options.entrypoints?.decision ?? DEFAULT_DECISION;
  const entrypoints: ReplayEntrypoints = { decision, envoyDecision: options.entrypoints?.envoyDecision ?? decision };
  const compiled = [...new Set([entrypoints.decision, entrypoints.envoyDecision])];
  const candidate = await loadCandidate({ policies: options.policies, bundle: options.bundle, entrypoints: compiled, regoVersion: options.regoVersion });
  const tally = emptyTally();
  const report: ReplayReport = {
    candidate: { source: options.bundle ?? options.policies ?? '', revision: candidate.revision },
    window: { since: options.sinceMs === undefined ? undefined : new Date(options.sinceMs).toISOString(), limit: options.limit },
    files: options.files,
    records: 0,
    replayed: 0,
    unchanged: 0,
    replayedWithoutEnvoyAttributes: 0,
    changes: zeroCounts(),
    byService: {},
    byEdge: {},
    examples: emptyExamples(),
    notReplayable: { total: 0, byReason: {} },
    outsideWindow: 0,
    otherLines: 0,
    unreadable: { total: 0, lines: [] },
    wouldDenyAllowed: false,
  };
  for await (const { record } of decisionRecords(options.files, options, tally, REPORT_LIST_LIMITS.unreadableLines)) {
    const rebuilt = rebuildInput(record, entrypoints);
    if (!rebuilt.replayable) {
      notReplayable(report, rebuilt.reason);
      continue;
    }
    if (!compiled.includes(rebuilt.entrypoint)) {
      notReplayable(report, `asks for ${rebuilt.entrypoint}; replay decides ${compiled.join(' and ')} only (--decision, --envoy-decision)`);
      continue;
    }
    report.replayed++;
    if (rebuilt.partial) report.replayedWithoutEnvoyAttributes++;
    const after = candidate.decide(rebuilt);
    const kind = decisionChange({ allowed: record.allowed, reasons: record.reasons }, after);
    if (kind) recordChange(report, record, kind, after);
    else report.unchanged++;
  }
  report.records = tally.records;
  report.outsideWindow = tally.outsideWindow;
  report.otherLines = tally.otherLines;
  report.unreadable = { total: tally.unreadable, lines: tally.unreadableLines };
  report.wouldDenyAllowed = report.changes.allow_to_deny > 0;
  return report;
}
