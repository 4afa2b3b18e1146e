import { answerStage } from './answer-stage.js';
import { cacheStage } from './cache-stage.js';
import { runStages, type Check, type CheckDeps, type CheckStage, type StageStep } from './check.js';
import { decideStage } from './decide-stage.js';
import { identityStage } from './identity-stage.js';
import { logStage } from './log-stage.js';
import { protectionStage, type ProtectionCheck } from './protection-stage.js';
import { admitCheck, policyLimitsStage, watchStage } from './countermeasure-stages.js';
import type { Countermeasures } from '../../protection/countermeasures.js';
import type { CredentialChecks } from '../../credentials/credential-checks.js';
import type { ShadowEvaluator } from '../../shadow/shadow-evaluator.js';
import { shadowStage } from './shadow-stage.js';

/** What a {@link CheckPipeline} decides with. */
export interface CheckPipelineDeps extends CheckDeps {
  /** Checks run before the cache, in order, before the countermeasures' own; none by default. */
  protection?: readonly ProtectionCheck[];
  /** Deny list, bans, rate limits, the limits decisions ask for, and the watchers of what passes. */
  countermeasures?: Countermeasures;
  /** Holds each caller's certificate to the credential rules; none when absent. */
  credentials?: CredentialChecks;
  /** Evaluates a candidate revision beside the live one, after the answer (`--shadow`); none when absent. */
  shadow?: ShadowEvaluator;
}

/**
 * The stages every check goes through, in order: the one place the order is written down.
 * identity → protection (deny list, bans, rate limits) → cache → decide → limits (those the
 * decision asks for) → answer → log → shadow (queued only) → watch (bans, alerts).
 */
export function checkStages(deps: CheckPipelineDeps): CheckStage[] {
  const { countermeasures } = deps;
  const own = deps.protection ?? [];
  const withAdmit = countermeasures ? [...own, admitCheck(countermeasures)] : own;
  const protection = protectionStage(
    {
      checks: () => (countermeasures?.protection.active ? withAdmit : own),
      needsCall: () => countermeasures?.needsCall ?? false,
    },
    deps.engine,
  );
  return [identityStage(deps.engine, deps.credentials), protection, cacheStage(deps), decideStage(deps), policyLimitsStage(countermeasures), answerStage, logStage, ...(deps.shadow ? [shadowStage(deps.shadow)] : []), watchStage(countermeasures)];
}

/**
 * The one route to a Check answer, for Authorizer `Check`, each check of `CheckBatch`, and Envoy's
 * `Check`: each is a {@link Check} with its route, run through {@link checkStages}. A check no
 * stage waits for (a cache hit) is answered in the same turn, without a promise.
 *
 * @example
 * const pipeline = new CheckPipeline({ engine, pool, protection: [] });
 * const response = pipeline.run({ state, route, data: { raw } });
 */
export class CheckPipeline {
  readonly stages: readonly CheckStage[];
  /** Where answering starts: the stages before it decide, the rest answer and log. */
  private readonly answerAt: number;

  private readonly inline: CheckPipelineDeps['inline'];

  constructor(deps: CheckPipelineDeps) {
    this.inline = deps.inline;
    this.stages = checkStages(deps);
    this.answerAt = this.stages.findIndex((s) => s.name === 'answer');
  }

  /** Runs `check` through every stage; its answer, or a promise of it when a stage waited. */
  run(check: Check): unknown {
    this.inline?.noteCall();
    const done = runStages(this.stages, check);
    return done instanceof Promise ? done.then(() => check.response) : check.response;
  }

  /**
   * Runs `checks` side by side up to the answer (in the pool, misses are decided together), then
   * answers and logs them in the order given.
   */
  async runAll(checks: readonly Check[]): Promise<unknown[]> {
    this.inline?.noteCall();
    const deciding = this.stages.slice(0, this.answerAt);
    await Promise.all(checks.map((check) => runStages(deciding, check)));
    const answers: unknown[] = [];
    for (const check of checks) {
      const done: StageStep = runStages(this.stages, check, this.answerAt);
      if (done instanceof Promise) await done;
      answers.push(check.response);
    }
    return answers;
  }
}
