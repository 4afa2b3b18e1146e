import type { Countermeasures } from '../../protection/countermeasures.js';
import { refusalDecision, type Refusal } from '../../protection/protected-call.js';
import type { Check, CheckStage } from './check.js';
import type { ProtectionCheck } from './protection-stage.js';

/** The countermeasures before the policy (deny list, bans, rate limits) as a protection check. */
export function admitCheck(countermeasures: Countermeasures): ProtectionCheck {
  return (view) => countermeasures.protection.admit(view.call);
}

function refuse(check: Check, refusal: Refusal): void {
  const outcome = check.outcome!;
  check.outcome = {
    ...outcome,
    decision: refusalDecision(refusal),
    cached: false,
  };
  check.parts = undefined;
}

/**
 * Enforces the rate limits an allowing decision asks for (`"limits"`), cached or fresh: a spent one
 * turns the allow into a deny, `rate limited: <name>`. With no countermeasures to enforce them, such
 * an allow is a deny (fail closed).
 */
export function policyLimitsStage(countermeasures: Countermeasures | undefined): CheckStage {
  return {
    name: 'limits',
    run: (check) => {
      const decision = check.outcome?.decision;
      if (!decision?.allow || !decision.limits || decision.limits.length === 0) return undefined;
      if (!countermeasures) return refuse(check, { kind: 'rate_limit', reason: 'rate limited: the policy asks for limits and none can be enforced here' });
      const refused = countermeasures.protection.enforcePolicyLimits(decision.limits);
      if (refused instanceof Promise) return refused.then((r) => (r ? refuse(check, r) : undefined));
      return refused ? refuse(check, refused) : undefined;
    },
  };
}

/** Shows every answered check to the watchers (automatic bans, alerts), after its answer is made. */
export function watchStage(countermeasures: Countermeasures | undefined): CheckStage {
  return {
    name: 'watch',
    run: (check) => {
      if (!countermeasures || !check.call || !countermeasures.watching) return;
      const { decision } = check.outcome!;
      const deniedBy = decision.allow ? undefined : (decision.refusedBy ?? (decision.failure !== undefined ? 'error' : 'policy'));
      countermeasures.protection.observe(check.call, decision.allow, deniedBy);
    },
  };
}
