import { pino, type Logger } from 'pino';
import { recordJsonWith, recordTail, WardenMetrics, type DecisionSink } from '../audit/index.js';
import { Engine, PolicyManager, type ReloadResult } from '../engine/index.js';
import { servingCompiler } from '../engine/worker-compiler.js';
import { Countermeasures } from '../protection/countermeasures.js';
import { parseProtectionConfig } from '../protection/protection-config.js';
import type { Check } from '../server/check-route/check.js';
import { CheckPipeline } from '../server/check-route/check-pipeline.js';
import { SERVE_DEFAULTS } from '../server/config.js';
import type { ConnectionIdentity } from '../server/connection-identity.js';
import { decisionTime } from '../server/decision-time.js';
import { elapsedMs, type CallState } from '../server/pipeline.js';
import { EVALUATION_DEFAULTS } from '../server/check-worker/evaluation-pool.js';
import { DEFAULT_INPUT_LIMITS, type AuthorizeInput } from './authorize-input.js';
import { errorMessage, failedResult, type AuthorizeResult, type MaybeResult } from './authorize-result.js';
import { checkAuthorizerOptions, type AuthorizerOptions } from './authorizer-options.js';
import { decisionSinkOf } from './decision-sink-of.js';
import { EmbedError } from './errors.js';
import { inprocessRoute } from './inprocess-route.js';
import { registerMetrics } from './metrics-registration.js';

/** Warden's decision pipeline inside a Node service. */
export interface Authorizer {
  /**
   * Decides `input` (see {@link AuthorizeInput}): a value when nothing had to wait (a cache hit, or
   * an evaluation on this thread), a promise only when something does (a countermeasure store that
   * answers asynchronously). Never throws and never rejects: a malformed input, an evaluation
   * error, no policy, or a closed Authorizer is `allowed: false` with the reason.
   */
  authorize(input: AuthorizeInput): MaybeResult;
  /** The serving policy revision's id. */
  readonly revision: string | undefined;
  /** Warden's metrics for this Authorizer (registered into `options.metrics` when one was given). */
  readonly metrics: WardenMetrics;
  /** The countermeasures in force (rate limits, deny list, bans). */
  readonly countermeasures: Countermeasures;
  /** Reloads the policy now (the watcher does this on change); a failed reload keeps the last good revision. */
  reload(): Promise<ReloadResult>;
  /** Stops watching and compiling, and takes the metrics out of the registry. Idempotent; later checks are denied. */
  close(): Promise<void>;
}

/**
 * In-process checks have no connection of their own: the caller puts the identities it
 * authenticated in the input itself. The pipeline's connection is this stand-in, which only a
 * check refused before its input was built would show (the inprocess route always builds it).
 */
const NO_CONNECTION: ConnectionIdentity = {
  requester: { id: '', authenticated_by: 'requester' },
  sourceIp: '',
  key: '',
  notBefore: -Infinity,
  notAfter: Infinity,
  chain: [],
  trustGeneration: 0,
};

function logReload(logger: Logger, metrics: WardenMetrics, result: ReloadResult): void {
  if (result.ok) {
    if (!result.changed) return;
    metrics.recordReload(result.revision.id);
    logger.info({ revision: result.revision.id, source: result.revision.source }, 'policy revision serving');
    return;
  }
  metrics.recordReloadFailure();
  const e = result.error;
  logger.error({ code: e.code, errors: e.details.length > 0 ? e.details : undefined }, `policy reload failed, last good revision keeps serving: ${e.message}`);
}

/**
 * Creates an in-process Authorizer: compiles the policy (the first compile on this thread, reloads
 * on a worker thread so the service's event loop never stalls on one), watches it and swaps in
 * changes, and decides every `authorize` through the stages `warden serve` uses — identity →
 * protection (deny list, bans, rate limits) → cache → decide → limits → answer → log → watch —
 * evaluating on this thread, so that an answer needs no promise.
 *
 * @example
 * const authorizer = await createAuthorizer({ policies: './policies', config: { rateLimits: [{ name: 'per-caller', by: 'subject', perSecond: 100 }] } });
 * const { allowed, reasons } = authorizer.authorize({ subject: { id: 'spiffe://example.org/ns/shop/sa/web', authenticated_by: 'mtls' }, action: 'orders.read', resource: { service: 'orders' } }) as AuthorizeResult;
 * @throws EmbedError `embed_invalid_options` for bad options; EngineError when the policy cannot be loaded (nothing is left running)
 */
export async function createAuthorizer(options: AuthorizerOptions): Promise<Authorizer> {
  checkAuthorizerOptions(options);
  const logger = options.logger ?? pino({ level: 'info' }, pino.destination(2));
  const decision = options.decision ?? SERVE_DEFAULTS.decision;
  const metrics = new WardenMetrics();
  let countermeasures: Countermeasures;
  try {
    countermeasures = new Countermeasures(parseProtectionConfig(options.config ?? {}), { logger, metrics: metrics.protection });
  } catch (e) {
    throw new EmbedError('embed_invalid_options', `config: ${errorMessage(e)}`, { cause: e });
  }
  const ownCompiler = options.compiler ? undefined : servingCompiler();
  const engine = new Engine(options.cache, { budgetMs: options.budgetMs ?? EVALUATION_DEFAULTS.budgetMs });
  const manager = new PolicyManager(engine, {
    policies: options.bundle ? undefined : options.policies,
    bundle: options.bundle,
    entrypoints: [decision],
    compiler: options.compiler ?? ownCompiler,
    pollIntervalMs: options.policyPollIntervalMs,
    // Health is the service's own business: a vanished source only logs (the last good revision decides).
    sourceGraceMs: false,
    onReload: (result) => {
      if (result.ok || engine.revision) logReload(logger, metrics, result);
    },
  });
  const release = async () => {
    await manager.close();
    await ownCompiler?.close();
    await countermeasures.close();
  };
  let unregister = () => {};
  try {
    const first = await manager.load();
    if (!first.ok) throw first.error;
    if (options.metrics) unregister = registerMetrics(metrics, options.metrics);
    if (options.watch !== false) manager.watch();
  } catch (e) {
    await release();
    throw e;
  }

  const sink = decisionSinkOf(options.decisionLog, options.redactPaths);
  const route = inprocessRoute(decision, { ...DEFAULT_INPUT_LIMITS, ...options.inputLimits }, sink !== undefined);
  const pipeline = new CheckPipeline({ engine, countermeasures });
  let closed = false;

  const settle = (state: CallState, result: AuthorizeResult): AuthorizeResult => {
    for (const d of state.decisions) {
      metrics.recordDecision('inprocess', d.result, d.latencyMs / 1000);
      if (d.cacheHit !== undefined) metrics.recordCache(d.cacheHit);
      sink?.write(d.record);
    }
    return result;
  };
  // A stage that threw (no revision, a broken store): the pipeline logged nothing, so this does.
  const failed = (state: CallState, e: unknown): AuthorizeResult => {
    const result = failedResult(`authorization failed: ${errorMessage(e)}`, engine.revision?.id);
    const latency = elapsedMs(state.started);
    metrics.recordDecision('inprocess', 'error', latency / 1000);
    sink?.write(recordJsonWith({ decision_id: result.decision_id, time: decisionTime(), api: 'inprocess', latency }, recordTail({ ...result, revision: result.policy_revision }, '{}')));
    return result;
  };

  return {
    authorize(input) {
      if (closed) return failedResult('authorization failed: the authorizer is closed');
      const state: CallState = { api: 'inprocess', method: 'authorize', started: performance.now(), connection: NO_CONNECTION, decisions: [] };
      const check: Check = { state, route, data: { input } };
      let answer: unknown;
      try {
        answer = pipeline.run(check);
      } catch (e) {
        return failed(state, e);
      }
      if (answer instanceof Promise) {
        return answer.then(
          (a) => settle(state, a as AuthorizeResult),
          (e: unknown) => failed(state, e),
        );
      }
      return settle(state, answer as AuthorizeResult);
    },
    get revision() {
      return engine.revision?.id;
    },
    metrics,
    countermeasures,
    reload: () => manager.load(),
    async close() {
      if (closed) return;
      closed = true;
      unregister();
      await release();
      await sink?.flush();
    },
  };
}
