import { canonicalJson } from './canonical-json.js';
import { DecisionCache, type DecisionCacheOptions } from './decision-cache.js';
import { failedDecision, interpretResultSet, type Decision, type DecisionShape } from './decision.js';
import { EngineError } from './errors.js';
import type { PolicyRevision } from './revision.js';

/** What {@link Engine.decide} returns. */
export interface DecisionOutcome {
  decision: Decision;
  /** Id of the revision that decided. */
  revision: string;
  /** True when answered from the decision cache. */
  cached: boolean;
}

interface Serving {
  revision: PolicyRevision;
  cache: DecisionCache;
}

/**
 * Holds the serving policy revision and its decision cache, and evaluates decisions against it.
 * A swap replaces revision and cache together in one assignment, so every decision sees one
 * consistent pair and a new revision always starts with an empty cache.
 *
 * @example
 * const engine = new Engine({ maxEntries: 10_000, ttlMs: 60_000 });
 * engine.swap(await loadRevision({ policies: 'policies/', entrypoints, compiler }));
 * const { decision, cached } = engine.decide(input, 'warden/authz/decision', 'authz');
 */
export class Engine {
  private serving: Serving | undefined;
  private readonly cacheOptions: DecisionCacheOptions;

  constructor(cacheOptions: DecisionCacheOptions = {}) {
    this.cacheOptions = cacheOptions;
  }

  /** The serving revision, if one is loaded. */
  get revision(): PolicyRevision | undefined {
    return this.serving?.revision;
  }

  /** Decisions held in the serving revision's cache. */
  get cacheSize(): number {
    return this.serving?.cache.size ?? 0;
  }

  /** Serves `revision` from now on, with an empty cache. Returns the revision it replaced. */
  swap(revision: PolicyRevision): PolicyRevision | undefined {
    const previous = this.serving?.revision;
    this.serving = { revision, cache: new DecisionCache(this.cacheOptions) };
    return previous;
  }

  /**
   * Decides `input` with `entrypoint` of the serving revision, from the cache when it can. Evaluation
   * errors, undefined results and wrong shapes become denies that say why (and are not cached).
   *
   * @throws EngineError `engine_no_revision` when nothing is loaded yet
   */
  decide(input: unknown, entrypoint: string, shape: DecisionShape = 'authz'): DecisionOutcome {
    const serving = this.serving;
    if (!serving) throw new EngineError('engine_no_revision', 'no policy revision is loaded yet');
    const key = `${shape}\0${entrypoint}\0${canonicalJson(input)}`;
    const hit = serving.cache.get(key);
    if (hit) return { decision: hit, revision: serving.revision.id, cached: true };
    const decision = this.evaluate(serving.revision, input, entrypoint, shape);
    serving.cache.set(key, decision);
    return { decision, revision: serving.revision.id, cached: false };
  }

  private evaluate(revision: PolicyRevision, input: unknown, entrypoint: string, shape: DecisionShape): Decision {
    if (!revision.entrypoints.includes(entrypoint)) {
      return failedDecision('error', `policy evaluation failed: revision ${revision.id} has no entrypoint ${entrypoint}`);
    }
    let resultSet: unknown;
    try {
      resultSet = revision.policy.evaluate(input, entrypoint);
    } catch (e) {
      return failedDecision('error', `policy evaluation failed: ${errorText(e).slice(0, 500)}`);
    }
    return interpretResultSet(resultSet, entrypoint, shape);
  }
}

/** The SDK throws Errors, plain strings (opa_abort) and `{message}` objects (builtin errors). */
function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return String(e);
}
