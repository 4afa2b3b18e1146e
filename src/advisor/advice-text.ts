import type { Advice, AdviceReading } from './advise.js';
import { grantText } from './grant.js';

/** `warden advise`'s text report: unused grants, recurring denied edges, then the minimal grants as a diff. */
export function adviceText(advice: Advice & { reading?: AdviceReading }): string {
  const d = advice.decisions;
  const lines = [`decisions: ${d.total} (${d.allowed} allowed, ${d.denied} denied, ${d.unattributable} not attributable to a workload, ${d.countermeasureDenials} refused by countermeasures)`];
  lines.push(`grants in ${advice.grantsFile}: ${advice.grants.length}, unused in the window: ${advice.unusedGrants.length}`);
  for (const use of advice.grants) {
    const trim = use.decisions > 0 && use.unusedActions.length > 0 ? ` (actions never used: ${use.unusedActions.join(', ')})` : '';
    lines.push(`  [${use.index}] ${grantText(use.grant)}: ${use.decisions > 0 ? `${use.decisions} decision(s), last ${use.lastUsed}${trim}` : 'UNUSED (candidate to remove)'}`);
  }
  const rule = advice.probingRule;
  lines.push(`probing callers: ${advice.probingCallers.length}`);
  for (const p of advice.probingCallers) {
    lines.push(`  ${p.caller}: denied on ${p.evidence.targets} distinct service/action pairs between ${p.evidence.from} and ${p.evidence.to} (${p.denials} denial(s) in all) — investigate, do not grant`);
  }
  lines.push(`denied edges (recurring, or of a probing caller): ${advice.deniedEdges.length}`);
  for (const e of advice.deniedEdges) {
    const actions = Object.entries(e.actions).map(([a, n]) => `${a} ×${n}`).join(', ');
    lines.push(`  ${e.caller} -> ${e.service}: ${e.denials} denial(s), ${Object.keys(e.actions).length} action(s) [${actions}], ${e.firstSeen} .. ${e.lastSeen}`);
    lines.push(e.probing ? '    PROBING caller (see above): do not grant' : '    candidate to grant');
  }
  lines.push(`(probing: ${rule.targets}+ distinct service/action pairs denied to one caller within ${rule.windowMs / 60_000} min)`);
  lines.push(advice.minimalGrantsDiff === '' ? 'minimal grants: data.json already allows exactly the observed traffic' : 'minimal grants allowing exactly the observed allowed traffic:');
  if (advice.minimalGrantsDiff !== '') lines.push(advice.minimalGrantsDiff.trimEnd());
  const reading = advice.reading;
  if (reading) {
    if (reading.outsideWindow > 0) lines.push(`skipped: ${reading.outsideWindow} record(s) before --since ${reading.since}`);
    if (reading.unreadable.total > 0) {
      lines.push(`unreadable: ${reading.unreadable.total} line(s) skipped`);
      for (const u of reading.unreadable.lines) lines.push(`  ${u.at}: ${u.problem}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
