import type { DecisionApi } from '../../audit/index.js';
import { failedDecision, type Decision, type Engine } from '../../engine/index.js';
import { refusalDecision, type ProtectedCall, type Refusal } from '../../protection/protected-call.js';
import type { ConnectionIdentity } from '../connection-identity.js';
import type { Check, CheckStage, StageStep } from './check.js';
import { denyEarly } from './early-deny.js';
import { protectedCallOf } from './protected-call-of.js';

/** What a protection check sees of a check: the call's API and method, who is calling, and the call. */
export interface ProtectionView {
  readonly api: DecisionApi;
  readonly method: string;
  readonly connection: ConnectionIdentity;
  /** The policy input's canonical JSON. */
  readonly inputJson: string | undefined;
  /** Subject, requester, source address, service and action of the check. */
  readonly call: ProtectedCall;
}

/**
 * A check that runs before the cache (deny lists, bans, rate limits): a refusal (or just its
 * reason) to deny the call, or `undefined` to let it through. It may answer with a promise; one
 * that throws or rejects denies.
 */
export type ProtectionCheck = (view: ProtectionView) => Refusal | string | undefined | Promise<Refusal | string | undefined>;

function settle(check: Check, engine: Engine, verdict: Refusal | string | undefined): boolean {
  if (verdict === undefined) return false;
  if (typeof verdict === 'string') denyEarly(check, engine, { allow: false, reasons: [verdict] });
  else denyEarly(check, engine, refusalDecision(verdict));
  return true;
}

function failed(check: Check, engine: Engine, e: unknown): void {
  denyEarly(check, engine, failedDecision('error', `protection check failed: ${e instanceof Error ? e.message : String(e)}`));
}

/**
 * Works out `check.call`. A request kept as bytes is looked up by them first (a hit is the cache's
 * answer, kept on the check for the cache stage, and the call comes from its input); a miss is
 * read here (decoded, its input not built: it still goes to the pool as bytes), so that the
 * countermeasures know whom it is about before the policy is asked.
 */
function resolveCall(check: Check, engine: Engine): StageStep {
  if (check.inputJson === undefined && check.requestKey !== undefined && !check.outcome) {
    const recalled = engine.recall(check.requestKey, check.route.entrypoint, check.route.shape);
    if (recalled) {
      check.outcome = recalled;
      check.cacheHit = true;
      check.call = protectedCallOf(recalled.inputJson);
      return undefined;
    }
    // Read from the request without building its input: it still goes to the pool as bytes.
    const peeked = check.route.peekCall?.(check);
    if (peeked) {
      check.call = peeked;
      return undefined;
    }
    const step = check.route.identify(check, true);
    const done = () => {
      if (check.inputJson !== undefined) check.call ??= protectedCallOf(check.inputJson);
    };
    return step instanceof Promise ? step.then(done) : done();
  }
  if (check.inputJson !== undefined) check.call ??= protectedCallOf(check.inputJson);
  return undefined;
}

/** Whether the countermeasures need to know each check's call (`needsCall`), and the checks to run. */
export interface ProtectionStageOptions {
  checks: () => readonly ProtectionCheck[];
  /** True when something watches calls (bans, alerts) even if no check runs before the cache. */
  needsCall: () => boolean;
}

/**
 * Runs the protection checks in order before the cache (a check the cache could answer is still
 * refused); the first refusal denies the check — fail closed: a check that throws or rejects
 * denies it too, saying so. With nothing configured it costs two calls and a comparison.
 */
export function protectionStage(options: ProtectionStageOptions, engine: Engine): CheckStage {
  const run = (check: Check, checks: readonly ProtectionCheck[], from: number): StageStep => {
    // A check already denied (a rejected token, an unreadable Envoy request) is not checked further.
    if (check.outcome && check.cacheHit !== true) return undefined;
    if (!check.call) return undefined;
    const view: ProtectionView = { api: check.route.api, method: check.state.method, connection: check.state.connection, inputJson: check.inputJson ?? check.outcome?.inputJson, call: check.call };
    for (let i = from; i < checks.length; i++) {
      let verdict: ReturnType<ProtectionCheck>;
      try {
        verdict = checks[i]!(view);
      } catch (e) {
        return failed(check, engine, e);
      }
      if (verdict instanceof Promise) {
        return verdict.then(
          (v) => (settle(check, engine, v) ? undefined : run(check, checks, i + 1)),
          (e: unknown) => failed(check, engine, e),
        );
      }
      if (settle(check, engine, verdict)) return undefined;
    }
    return undefined;
  };
  return {
    name: 'protection',
    run: (check) => {
      const checks = options.checks();
      if (check.outcome) {
        // Denied before the policy (a refused credential): still shown to the watchers, so that guessing keys or tokens is seen.
        if (!check.call && options.needsCall()) check.call = protectedCallOf(check.outcome.inputJson);
        return undefined;
      }
      if (checks.length === 0 && !options.needsCall()) return undefined;
      const step = resolveCall(check, engine);
      return step instanceof Promise ? step.then(() => run(check, checks, 0)) : run(check, checks, 0);
    },
  };
}
