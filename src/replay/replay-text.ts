import { CHANGE_KINDS, type ChangeKind } from './decision-change.js';
import type { KindCounts, ReplayReport } from './replay-report.js';

const KIND_LABEL: Record<ChangeKind, string> = {
  allow_to_deny: 'allow → deny',
  deny_to_allow: 'deny → allow',
  allow_reasons_changed: 'allow, other reasons',
};

function countsText(counts: KindCounts): string {
  return CHANGE_KINDS.filter((k) => counts[k] > 0)
    .map((k) => `${KIND_LABEL[k]} ${counts[k]}`)
    .join(', ');
}

function groupLines(title: string, table: Record<string, KindCounts>): string[] {
  const rows = Object.entries(table).sort(([a, x], [b, y]) => total(y) - total(x) || (a < b ? -1 : 1));
  if (rows.length === 0) return [];
  return [`${title}:`, ...rows.map(([group, counts]) => `  ${group}: ${countsText(counts)}`)];
}

function total(counts: KindCounts): number {
  return CHANGE_KINDS.reduce((sum, k) => sum + counts[k], 0);
}

/** `warden replay`'s text report: the verdict first, then counts, groups, examples and what was skipped. */
export function replayText(report: ReplayReport): string {
  const changed = total(report.changes);
  const lines = [
    report.wouldDenyAllowed
      ? `FAIL: ${report.changes.allow_to_deny} allowed call(s) would be denied by ${report.candidate.source} (revision ${report.candidate.revision})`
      : `OK: no allowed call would be denied by ${report.candidate.source} (revision ${report.candidate.revision})`,
    `records: ${report.records} read, ${report.replayed} replayed, ${report.unchanged} unchanged, ${changed} changed, ${report.notReplayable.total} not replayable`,
  ];
  if (changed > 0) lines.push(`changes: ${countsText(report.changes)}`);
  lines.push(...groupLines('by service', report.byService), ...groupLines('by caller -> service', report.byEdge));
  for (const kind of CHANGE_KINDS) {
    const examples = report.examples[kind];
    if (examples.length === 0) continue;
    lines.push(`examples, ${KIND_LABEL[kind]}:`);
    for (const e of examples) {
      lines.push(`  ${e.time} ${e.decision_id} ${e.caller} ${e.action} on ${e.service} (${e.api})`);
      lines.push(`    before: ${e.before.allowed ? 'allow' : 'deny'} ${JSON.stringify(e.before.reasons)}`);
      lines.push(`    after:  ${e.after.allowed ? 'allow' : 'deny'} ${JSON.stringify(e.after.reasons)}`);
    }
  }
  if (report.notReplayable.total > 0) {
    lines.push(`not replayable (not counted as a change or a match):`);
    for (const [reason, count] of Object.entries(report.notReplayable.byReason)) lines.push(`  ${count} ${reason}`);
  }
  if (report.replayedWithoutEnvoyAttributes > 0) {
    lines.push(`note: ${report.replayedWithoutEnvoyAttributes} Envoy/HTTP record(s) replayed without OPA-Envoy's input.attributes and parsed body (not logged)`);
  }
  if (report.outsideWindow > 0) lines.push(`skipped: ${report.outsideWindow} record(s) before --since ${report.window.since}`);
  if (report.otherLines > 0) lines.push(`skipped: ${report.otherLines} line(s) of other logs`);
  if (report.unreadable.total > 0) {
    lines.push(`unreadable: ${report.unreadable.total} line(s) skipped${report.unreadable.total > report.unreadable.lines.length ? ` (first ${report.unreadable.lines.length} listed)` : ''}`);
    for (const u of report.unreadable.lines) lines.push(`  ${u.at}: ${u.problem}`);
  }
  return `${lines.join('\n')}\n`;
}
