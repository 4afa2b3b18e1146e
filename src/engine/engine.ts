import { takeNondeterministic } from '../builtins/index.js';
import { evaluateJson } from './abi-evaluate.js';
import { canonicalJson } from './canonical-json.js';
import { DecisionCache, type DecisionCacheOptions } from './decision-cache.js';
import { failedDecision, interpretResultSet, type Decision, type DecisionShape } from './decision.js';
import { EngineError } from './errors.js';
import { projectedInputKey, projectedInputKeyOfValue } from './input-projection.js';
import { SLICE_USED_UP } from './evaluation-slice.js';
import type { PolicyRevision } from './revision.js';

/** What {@link Engine.decide} returns. */
export interface DecisionOutcome {
  decision: Decision;
  /** Id of the revision that decided. */
  revision: string;
  /** True when answered from the decision cache. */
  cached: boolean;
  /** The input as canonical JSON (what the cache is keyed by). */
  inputJson: string;
  /** For a cached decision: how long it stays cached, in ms (`Infinity` without a TTL). */
  ttlLeftMs?: number;
  /**
   * The evaluation called a non-deterministic builtin (the clock, randomness, the network): the
   * decision holds for this moment only, and no cache on any thread may keep it.
   */
  volatile?: true;
}

/** Options of {@link Engine.decide}. */
export interface DecideOptions {
  /** The input's canonical JSON, when the caller built the input in key order and has it already. */
  inputJson?: string;
  /**
   * With `inputJson`: the input as plain JSON data whose `JSON.stringify` is `inputJson`. What the
   * policy reads of it is taken from the value, not read out of the text (see projectedInputKeyOfValue).
   */
  inputValue?: unknown;
  /**
   * A key for the request the input was built from (its bytes and everything else the input
   * depends on): a decision answered from the cache is also remembered under it, for
   * {@link Engine.recall}. Only then: a request seen once is usually never seen again, and keeping
   * every one would cost memory and garbage collection for nothing.
   */
  requestKey?: string;
}

/** Options of {@link Engine} besides its cache. */
export interface EngineOptions {
  /**
   * Longest an evaluation may take, in ms: one that took longer is a deny, "evaluation budget
   * exceeded" (not cached). Measured after the fact: an evaluation on this thread cannot be
   * interrupted (the evaluation pool's workers are stopped instead, see EvaluationPool).
   */
  budgetMs?: number;
}

/** The projected key last composed, with what it was composed of. */
interface ComposedKey {
  shape: DecisionShape;
  entrypoint: string;
  inputJson: string;
  key: string;
}

/**
 * A decision's key in `serving`'s cache: what asked (shape, entrypoint) and the input's canonical
 * JSON, or only what of it the revision's policy reads when its module says (see
 * projectedInputKey). A projected key is composed once for a lookup and the store that follows it.
 */
function keyOf(serving: Serving, shape: DecisionShape, entrypoint: string, inputJson: string, inputValue?: unknown): string {
  const reads = serving.revision.inputReads?.get(entrypoint);
  if (!reads) return `${shape}\0${entrypoint}\0${inputJson}`;
  const last = serving.lastKey;
  if (last && last.inputJson === inputJson && last.entrypoint === entrypoint && last.shape === shape) return last.key;
  const projected = inputValue !== undefined ? projectedInputKeyOfValue(reads, inputValue) : projectedInputKey(reads, inputJson);
  const key = `${shape}\0${entrypoint}\0${projected}`;
  serving.lastKey = { shape, entrypoint, inputJson, key };
  return key;
}

/** The reason of a decision whose evaluation ran past its budget. */
export const BUDGET_EXCEEDED = 'evaluation budget exceeded';

interface Serving {
  revision: PolicyRevision;
  cache: DecisionCache;
  /** A miss is looked up, then stored: the projected key of the last input is kept for the second time. */
  lastKey?: ComposedKey;
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
  private readonly budgetMs: number;

  constructor(cacheOptions: DecisionCacheOptions = {}, options: EngineOptions = {}) {
    this.cacheOptions = cacheOptions;
    this.budgetMs = options.budgetMs ?? Infinity;
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
   * errors, undefined results and wrong shapes become denies that say why (and are not cached);
   * neither are decisions whose evaluation called a non-deterministic builtin (`time.now_ns`,
   * `rand.intn`, `uuid.rfc4122`, `http.send`, `net.lookup_ip_addr`, `opa.runtime`) or read the
   * clock for a builtin given no time (`io.jwt.decode_verify`, `crypto.x509.parse_and_verify_*`).
   *
   * @throws EngineError `engine_no_revision` when nothing is loaded yet
   */
  decide(input: unknown, entrypoint: string, shape: DecisionShape = 'authz', options: DecideOptions = {}): DecisionOutcome {
    const serving = this.servingOrThrow();
    const inputJson = options.inputJson ?? canonicalJson(input);
    const key = keyOf(serving, shape, entrypoint, inputJson, options.inputJson !== undefined ? options.inputValue : undefined);
    const hit = this.cachedOutcome(serving, key, inputJson, entrypoint, shape, options.requestKey);
    if (hit) return hit;
    const decision = this.evaluate(serving.revision, inputJson, entrypoint, shape);
    // A decision that read the clock, drew a random value or asked the network holds for this
    // moment only: it is never cached, so it is never remembered by request either.
    if (takeNondeterministic()) return { decision, revision: serving.revision.id, cached: false, inputJson, volatile: true };
    serving.cache.set(key, decision);
    return { decision, revision: serving.revision.id, cached: false, inputJson };
  }

  /**
   * {@link decide} from the cache alone: `undefined` on a miss (the caller has it evaluated
   * elsewhere, and hands the decision back with {@link store}). `inputValue` as in {@link DecideOptions}.
   *
   * @throws EngineError `engine_no_revision` when nothing is loaded yet
   */
  lookup(inputJson: string, entrypoint: string, shape: DecisionShape, requestKey?: string, inputValue?: unknown): DecisionOutcome | undefined {
    const serving = this.servingOrThrow();
    return this.cachedOutcome(serving, keyOf(serving, shape, entrypoint, inputJson, inputValue), inputJson, entrypoint, shape, requestKey);
  }

  /**
   * Caches a decision another thread made for `inputJson` with the serving revision (for as long as
   * it stays cached there, when it came from that thread's cache). Decisions of another revision,
   * volatile decisions and failures are not kept, as in {@link decide}. Given a `requestKey`, the
   * decision is also remembered for {@link recall} under it at once.
   */
  store(inputJson: string, entrypoint: string, shape: DecisionShape, outcome: DecisionOutcome, requestKey?: string): void {
    const serving = this.serving;
    if (!serving || serving.revision.id !== outcome.revision || outcome.volatile) return;
    const key = keyOf(serving, shape, entrypoint, inputJson);
    serving.cache.set(key, outcome.decision, outcome.cached ? outcome.ttlLeftMs : undefined);
    if (requestKey !== undefined) serving.cache.remember(requestKey, { decision: outcome.decision, inputJson, entrypoint, shape }, serving.cache.ttlLeft(key));
  }

  private servingOrThrow(): Serving {
    if (!this.serving) throw new EngineError('engine_no_revision', 'no policy revision is loaded yet');
    return this.serving;
  }

  private cachedOutcome(serving: Serving, key: string, inputJson: string, entrypoint: string, shape: DecisionShape, requestKey: string | undefined): DecisionOutcome | undefined {
    const hit = serving.cache.get(key);
    if (hit === undefined) return undefined;
    const ttlLeftMs = serving.cache.ttlLeft(key);
    if (requestKey !== undefined) serving.cache.remember(requestKey, { decision: hit, inputJson, entrypoint, shape }, ttlLeftMs);
    return { decision: hit, revision: serving.revision.id, cached: true, inputJson, ttlLeftMs };
  }

  /**
   * A decision remembered by {@link Engine.decide} under `requestKey` in the serving revision, with
   * the input it was made for: the same request is answered without building its input again.
   */
  recall(requestKey: string, entrypoint: string, shape: DecisionShape = 'authz'): (DecisionOutcome & { cached: true }) | undefined {
    const serving = this.serving;
    // The key is the request's alone (composing a longer one costs every call): the entry says what asked.
    const remembered = serving?.cache.recall(requestKey);
    if (!remembered || remembered.entrypoint !== entrypoint || remembered.shape !== shape) return undefined;
    return { decision: remembered.decision, inputJson: remembered.inputJson, revision: serving!.revision.id, cached: true };
  }

  /**
   * Remembers, for {@link recall}, a decision another thread answered from its cache just now with
   * the serving revision, for as long as it stays cached there (fresh decisions and decisions of any
   * other revision are not kept, as in {@link decide}).
   */
  rememberCached(requestKey: string, entrypoint: string, shape: DecisionShape, outcome: DecisionOutcome): void {
    const serving = this.serving;
    if (!serving || serving.revision.id !== outcome.revision || !outcome.cached || outcome.ttlLeftMs === undefined) return;
    serving.cache.remember(requestKey, { decision: outcome.decision, inputJson: outcome.inputJson, entrypoint, shape }, outcome.ttlLeftMs);
  }

  private evaluate(revision: PolicyRevision, inputJson: string, entrypoint: string, shape: DecisionShape): Decision {
    return evaluateDecision(revision, inputJson, entrypoint, shape, this.budgetMs);
  }
}

/**
 * Evaluates `inputJson` with `entrypoint` of `revision`'s instance on this thread: evaluation errors,
 * undefined results and wrong shapes become denies that say why, as does an evaluation that took
 * longer than `budgetMs`. An evaluation slice used up (see evaluation-slice.ts) is thrown, not decided.
 */
export function evaluateDecision(revision: PolicyRevision, inputJson: string, entrypoint: string, shape: DecisionShape, budgetMs: number): Decision {
  if (!revision.entrypoints.includes(entrypoint)) {
    return failedDecision('error', `policy evaluation failed: revision ${revision.id} has no entrypoint ${entrypoint}`);
  }
  if (!revision.policy) return failedDecision('error', `policy evaluation failed: revision ${revision.id} is evaluated on other threads, not this one`);
  let resultSet: unknown;
  const started = performance.now();
  try {
    // The input's JSON goes straight into the instance's memory: it is not serialised a second time.
    resultSet = evaluateJson(revision.policy, inputJson, entrypoint);
  } catch (e) {
    if (e === SLICE_USED_UP) throw e;
    return failedDecision('error', `policy evaluation failed: ${errorText(e).slice(0, 500)}`);
  }
  if (performance.now() - started > budgetMs) return failedDecision('error', BUDGET_EXCEEDED);
  return interpretResultSet(resultSet, entrypoint, shape);
}

/** The SDK throws Errors, plain strings (opa_abort) and `{message}` objects (builtin errors). */
function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return String(e);
}
