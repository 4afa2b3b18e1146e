import type { Check, CheckDeps, CheckStage } from './check.js';

/**
 * Looks a built input up in the serving thread's cache (remembering it under the request's key on
 * a hit). Without a pool the decide stage's `Engine.decide` looks up and evaluates in one step, one
 * cache key composed and hashed: nothing to do here then.
 */
export function lookupInput(check: Check, deps: CheckDeps): void {
  if (!deps.pool) return;
  const { route } = check;
  const hit = deps.engine.lookup(check.inputJson!, route.entrypoint, route.shape, check.requestKey, check.inputValue);
  if (hit) {
    check.outcome = hit;
    check.cacheHit = true;
  }
}

/**
 * The serving thread's decision cache: a request recalled by its bytes (on its connection) is
 * answered without being decoded; a built input is looked up by its canonical JSON. A miss leaves
 * the check to the decide stage.
 *
 * @throws EngineError `engine_no_revision` when nothing is loaded yet
 */
export function cacheStage(deps: CheckDeps): CheckStage {
  return {
    name: 'cache',
    run: (check) => {
      if (check.outcome) return;
      if (check.inputJson !== undefined) return lookupInput(check, deps);
      if (check.requestKey === undefined) return;
      const recalled = deps.engine.recall(check.requestKey, check.route.entrypoint, check.route.shape);
      if (recalled) {
        check.outcome = recalled;
        check.cacheHit = true;
      }
    },
  };
}
