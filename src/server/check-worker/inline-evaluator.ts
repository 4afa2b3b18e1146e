import { takeNondeterministic } from '../../builtins/index.js';
import { buildRevision, evaluateDecision, hostBuiltinNames, revisionBytes, sliceControl, SLICE_USED_UP, type Decision, type DecisionShape, type PolicyRevision } from '../../engine/index.js';
import { HOST_BUILTIN_PREFIX, NATIVE_BUILTINS } from '../../wasm/native-builtins.js';
import { CallsPerTurn } from './calls-per-turn.js';

/** Defaults of {@link InlineEvaluatorOptions}. */
const INLINE_DEFAULTS = { sliceUnits: 10_000, maxBytes: 1024 * 1024, pauseMs: 10_000 } as const;

/** Share of the recent turns bringing several calls from which misses go to the workers (see CallsPerTurn). */
const CONCURRENT_SHARE = 0.5;
/**
 * Least time between two instances built here, in ms: under a stream of data writes (each a new
 * revision) building one per write could take a core; misses go to the workers meanwhile.
 */
const BUILD_INTERVAL_MS = 1000;

/**
 * Host builtins an evaluation on the serving thread may call: each takes time bounded by the size of
 * its operands (no backtracking regular expressions, no network, no clock), as do the host
 * implementations the runtime's native builtins hand unusual operands to.
 */
const BOUNDED_HOST_BUILTINS: ReadonlySet<string> = new Set([
  ...Object.entries(NATIVE_BUILTINS).flatMap(([name, native]) => (native.defers ? [name] : [])),
  ...['sort', 'concat', 'lower', 'upper', 'split', 'contains', 'indexof', 'substring', 'trim', 'trim_space', 'trim_left', 'trim_right', 'trim_prefix', 'trim_suffix'],
  ...['array.concat', 'array.slice', 'object.get', 'object.keys', 'union', 'intersection', 'max', 'min', 'sum', 'product', 'abs', 'round', 'ceil', 'floor', 'to_number', 'format_int', 'json.marshal'],
]);

/** Options of {@link InlineEvaluator}. */
export interface InlineEvaluatorOptions {
  /** The evaluation budget, in ms: an evaluation that took longer is denied, as in the pool. */
  budgetMs: number;
  /** Work an evaluation may do on the serving thread (loop iterations, and allocations) before it goes to a worker. */
  sliceUnits?: number;
  /** Largest revision (module and data texts) the serving thread keeps an instance of. */
  maxBytes?: number;
  /** After an evaluation outlasted its slice, how long evaluations go to the workers only, in ms. */
  pauseMs?: number;
  /** Told when an evaluation outlasted its slice (evaluations then pause here). */
  onSliceUsedUp?: (revision: string) => void;
  /** Told of each decision made here. */
  onDecided?: () => void;
}

/** A decision the serving thread made itself. */
export interface InlineDecision {
  decision: Decision;
  revision: string;
  /** It called a non-deterministic builtin: not to be cached. */
  volatile: boolean;
}

interface SlicedInstance {
  readonly revision: PolicyRevision;
  readonly arm: (units: number) => void;
}

/**
 * Decides cache misses on the serving thread, without the round trip to an evaluation worker (two
 * thread wake-ups: most of a cheap miss's latency), while calls come one at a time (under a
 * concurrent load the workers' cores do more, and this thread's own time goes to the network),
 * and as long as each evaluation is sure to end soon: the module must be one Warden built, whose
 * loops and allocations burn an armed slice of work (src/wasm/runtime/fuel.ts), and call only host
 * builtins bounded by their operands. An evaluation
 * that uses its slice up is abandoned, with the instance it ran in, and goes to the pool, which can
 * stop a runaway; evaluations then pause here for a while, so a policy (or a caller) whose
 * evaluations are long costs the serving thread one slice per pause, not one per call.
 * Revisions too large to load twice on this thread are left to the pool; so are the misses of
 * each revision (and of each data write) while its instance is built here, at most once a second.
 */
export class InlineEvaluator {
  private instance: SlicedInstance | undefined;
  /** The revision last built (or being built) here, or found unfit for this thread. */
  private considered: string | undefined;
  private building = false;
  private builtAt = -Infinity;
  private pausedUntil = 0;
  private readonly sliceUnits: number;
  private readonly maxBytes: number;
  private readonly pauseMs: number;
  private readonly turns = new CallsPerTurn();

  constructor(private readonly options: InlineEvaluatorOptions) {
    this.sliceUnits = options.sliceUnits ?? INLINE_DEFAULTS.sliceUnits;
    this.maxBytes = options.maxBytes ?? INLINE_DEFAULTS.maxBytes;
    this.pauseMs = options.pauseMs ?? INLINE_DEFAULTS.pauseMs;
  }

  /** Counts a call that reached the service (see CallsPerTurn). */
  noteCall(): void {
    this.turns.noteCall();
  }

  /**
   * Whether this thread has room for evaluations of its own: its calls come one at a time, not
   * together. Under a concurrent load the workers' cores take the evaluations and this thread's
   * time goes to the network; one call at a time is answered soonest here, without two thread
   * wake-ups. Of a burst read at once, only the first call is decided here.
   */
  hasRoom(): boolean {
    return this.turns.sharedTurns < CONCURRENT_SHARE && this.turns.thisTurn < 2;
  }

  /** Whether evaluations of `serving` are made here now (else an instance of it may start being built). */
  ready(serving: PolicyRevision): boolean {
    if (this.instance?.revision.id === serving.id) return this.hasRoom();
    this.consider(serving);
    return false;
  }

  /** The decision of `inputJson` by `serving`, made here within a slice; `undefined` when it is the pool's to make. */
  evaluate(serving: PolicyRevision | undefined, inputJson: string, entrypoint: string, shape: DecisionShape): InlineDecision | undefined {
    if (!serving || !this.ready(serving)) return undefined;
    const instance = this.instance!;
    instance.arm(this.sliceUnits);
    try {
      const decision = evaluateDecision(instance.revision, inputJson, entrypoint, shape, this.options.budgetMs);
      this.options.onDecided?.();
      return { decision, revision: serving.id, volatile: takeNondeterministic() };
    } catch (e) {
      takeNondeterministic();
      if (e !== SLICE_USED_UP) throw e;
      // Aborted mid-way, the instance's state is not trusted again: another is built after the pause.
      this.instance = undefined;
      this.considered = undefined;
      this.pausedUntil = performance.now() + this.pauseMs;
      this.options.onSliceUsedUp?.(serving.id);
      return undefined;
    }
  }

  private consider(serving: PolicyRevision): void {
    const now = performance.now();
    if (this.building || this.considered === serving.id || now < this.pausedUntil || now - this.builtAt < BUILD_INTERVAL_MS) return;
    this.considered = serving.id;
    this.instance = undefined;
    if (revisionBytes(serving.parts) >= this.maxBytes) return;
    this.building = true;
    this.builtAt = now;
    buildRevision(serving.parts)
      .then((built) => {
        if (this.considered === serving.id) this.instance = slicedInstance(built);
      })
      // A revision this thread cannot build is decided by the workers, which report why.
      .catch(() => {})
      .finally(() => (this.building = false));
  }
}

/** `revision`'s instance with its slice control, when every evaluation of it can be kept to a slice. */
function slicedInstance(revision: PolicyRevision): SlicedInstance | undefined {
  const arm = revision.policy && sliceControl(revision.policy);
  if (!arm) return undefined;
  const unbounded = hostBuiltinNames(revision.policy!).some((name) => !BOUNDED_HOST_BUILTINS.has(name.startsWith(HOST_BUILTIN_PREFIX) ? name.slice(HOST_BUILTIN_PREFIX.length) : name));
  return unbounded ? undefined : { revision, arm };
}
