import type { CandidateDecision } from './candidate-policy.js';

/** How a candidate's decision differs from the recorded one. */
export type ChangeKind = 'allow_to_deny' | 'deny_to_allow' | 'allow_reasons_changed';

export const CHANGE_KINDS: readonly ChangeKind[] = ['allow_to_deny', 'deny_to_allow', 'allow_reasons_changed'];

function sameReasons(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/**
 * The change from `recorded` to `candidate`, or `undefined` when it would not change: a deny that
 * stays a deny is unchanged whatever its reasons (the call is refused either way).
 */
export function decisionChange(recorded: CandidateDecision, candidate: CandidateDecision): ChangeKind | undefined {
  if (recorded.allowed && !candidate.allowed) return 'allow_to_deny';
  if (!recorded.allowed && candidate.allowed) return 'deny_to_allow';
  if (recorded.allowed && !sameReasons(recorded.reasons, candidate.reasons)) return 'allow_reasons_changed';
  return undefined;
}
