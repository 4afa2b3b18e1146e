import type { ShadowEvaluator } from '../../shadow/shadow-evaluator.js';
import type { Check, CheckStage } from './check.js';

/**
 * The input of an answered check, for the shadow. A decision the evaluation pool made from the
 * request's bytes left its input in the worker: it is rebuilt from the bytes here, in the
 * shadow's own time (the answer has gone by then).
 */
function inputOf(check: Check): string | Promise<string> {
  const known = check.outcome!.inputJson || check.inputJson;
  if (known) return known;
  const built = (): string => {
    if (!check.inputJson) throw new Error('the input of this decision could not be rebuilt for the shadow');
    return check.inputJson;
  };
  const step = check.route.identify(check, true);
  return step instanceof Promise ? step.then(built) : built();
}

/**
 * Hands every answered check that reached the policy (a cache hit or an evaluation; not a
 * countermeasure's refusal or an early deny) to the shadow, which evaluates it later: this stage
 * only queues.
 */
export function shadowStage(shadow: ShadowEvaluator): CheckStage {
  return {
    name: 'shadow',
    run: (check) => {
      if (check.cacheHit === undefined || !check.outcome || !check.decisionId) return;
      const { decision } = check.outcome;
      shadow.offer({
        decisionId: check.decisionId,
        entrypoint: check.route.entrypoint,
        shape: check.route.shape,
        live: { allowed: decision.allow, reasons: decision.reasons },
        inputJson: () => inputOf(check),
      });
    },
  };
}
