import type { DecisionApi } from '../../audit/index.js';
import { failedDecision, type Decision, type Engine } from '../../engine/index.js';
import type { ConnectionIdentity } from '../connection-identity.js';
import type { Check, CheckStage, StageStep } from './check.js';

/** What a protection check sees of a check: the call's API and method, and who is calling. */
export interface ProtectionView {
  readonly api: DecisionApi;
  readonly method: string;
  readonly connection: ConnectionIdentity;
  /** The policy input's canonical JSON when already built (Envoy checks, batches, tokens). */
  readonly inputJson: string | undefined;
}

/**
 * A check that runs before the cache (rate limits, deny lists, bans): the reason to deny the call,
 * or `undefined` to let it through. It may answer with a promise; one that throws or rejects denies.
 */
export type ProtectionCheck = (view: ProtectionView) => string | undefined | Promise<string | undefined>;

function denied(check: Check, engine: Engine, decision: Decision): void {
  const { connection } = check.state;
  // A request recalled by its bytes is not decoded yet: its log line says who asked, from where.
  const inputJson = check.inputJson ?? JSON.stringify({ requester: connection.requester, source: { ip: connection.sourceIp } });
  check.outcome = { decision, revision: engine.revision?.id ?? '', cached: false, inputJson };
}

function settle(check: Check, engine: Engine, reason: string | undefined): void {
  if (reason !== undefined) denied(check, engine, { allow: false, reasons: [reason] });
}

function failed(check: Check, engine: Engine, e: unknown): void {
  denied(check, engine, failedDecision('error', `protection check failed: ${e instanceof Error ? e.message : String(e)}`));
}

/**
 * Runs `checks` in order before the cache; the first reason denies the check (fail closed: a check
 * that throws or rejects denies it too, saying so). With no checks it costs one comparison.
 */
export function protectionStage(checks: readonly ProtectionCheck[], engine: Engine): CheckStage {
  const run = (check: Check, from: number): StageStep => {
    const view: ProtectionView = { api: check.route.api, method: check.state.method, connection: check.state.connection, inputJson: check.inputJson };
    for (let i = from; i < checks.length; i++) {
      let verdict: string | undefined | Promise<string | undefined>;
      try {
        verdict = checks[i]!(view);
      } catch (e) {
        return failed(check, engine, e);
      }
      if (verdict instanceof Promise) {
        return verdict.then(
          (reason) => (reason !== undefined ? settle(check, engine, reason) : run(check, i + 1)),
          (e: unknown) => failed(check, engine, e),
        );
      }
      if (verdict !== undefined) return settle(check, engine, verdict);
    }
    return undefined;
  };
  return {
    name: 'protection',
    run: (check) => (checks.length === 0 || check.outcome ? undefined : run(check, 0)),
  };
}
