import type { Decision, Engine } from '../../engine/index.js';
import type { Check } from './check.js';

/**
 * Denies `check` before the policy is asked (a refused credential, a countermeasure): its outcome
 * is `decision`, never cached. A check denied before its input was built logs who asked, from where.
 */
export function denyEarly(check: Check, engine: Engine, decision: Decision): void {
  const { connection } = check.state;
  const inputJson = check.inputJson ?? check.outcome?.inputJson ?? JSON.stringify({ requester: connection.requester, source: { ip: connection.sourceIp } });
  check.outcome = { decision, revision: engine.revision?.id ?? '', cached: false, inputJson };
  check.cacheHit = undefined;
  check.parts = undefined;
}
