import { MemoryStore } from './memory-store.js';
import type { BucketRate, MaybePromise, ProtectionStore, TakeResult } from './store.js';

/** A store across the network that can be probed and closed (the Redis store). */
export interface RemoteStore extends ProtectionStore {
  connect(): Promise<void>;
  ping(): Promise<boolean>;
  close(timeoutMs?: number): Promise<void>;
}

export interface FallbackStoreOptions {
  /** Longest a decision waits for the remote store before answering from local state (default 5 ms). */
  budgetMs?: number;
  /** Failures in a row after which the remote store is not asked any more, only probed (default 3). */
  failuresToOpen?: number;
  /** How often a remote store that is not asked is probed (default 1000 ms). */
  probeEveryMs?: number;
  /** One operation answered from local state. */
  onFallback?(): void;
  /** The remote store stopped answering (`up` false, with why) or answers again (`up` true); once per change. */
  onStateChange?(up: boolean, reason: string): void;
}

export const FALLBACK_DEFAULTS = { budgetMs: 5, failuresToOpen: 3, probeEveryMs: 1000 } as const;

/**
 * A shared store that a decision never waits on for long: each operation races the remote store's
 * answer against a small budget and, on a timeout or an error, answers from a local MemoryStore
 * instead (counted). After `failuresToOpen` failures in a row it stops asking — a dead Redis then
 * costs a decision nothing — and probes every `probeEveryMs` until it answers again. Local state
 * is apart from the shared one: limits fall back to per-replica buckets, and a ban made while
 * falling back holds on this replica alone (marks are always kept locally too, and looked up
 * there first, so this replica's own bans hold whatever happens to Redis).
 *
 * @example
 * const store = new FallbackStore(new RedisStore({ url }), new MemoryStore(), { onFallback: () => fallbacks.inc() });
 */
export class FallbackStore implements ProtectionStore {
  private readonly budgetMs: number;
  private readonly failuresToOpen: number;
  private readonly probeEveryMs: number;
  private failuresInARow = 0;
  /** False until connected: answers come from local state meanwhile (counted as fallbacks). */
  private healthy = false;
  private connecting = true;
  private probing: NodeJS.Timeout | undefined;
  private probeInFlight = false;
  private closed = false;

  constructor(
    private readonly remote: RemoteStore,
    private readonly local: MemoryStore = new MemoryStore(),
    private readonly options: FallbackStoreOptions = {},
  ) {
    this.budgetMs = options.budgetMs ?? FALLBACK_DEFAULTS.budgetMs;
    this.failuresToOpen = options.failuresToOpen ?? FALLBACK_DEFAULTS.failuresToOpen;
    this.probeEveryMs = options.probeEveryMs ?? FALLBACK_DEFAULTS.probeEveryMs;
    remote.connect().then(
      () => this.closeCircuit('connected'),
      (e: unknown) => this.open(e),
    );
  }

  /** Whether the remote store is being asked (false while it is only probed). */
  get up(): boolean {
    return this.healthy;
  }

  get evictions(): number {
    return this.local.evictions;
  }

  take(key: string, n: number, rate: BucketRate, nowMs: number): MaybePromise<TakeResult> {
    return this.race(() => this.remote.take(key, n, rate, nowMs), () => this.local.take(key, n, rate, nowMs));
  }

  count(key: string, n: number, windowMs: number, nowMs: number): MaybePromise<number> {
    return this.race(() => this.remote.count(key, n, windowMs, nowMs), () => this.local.count(key, n, windowMs, nowMs));
  }

  distinct(key: string, member: string, windowMs: number, nowMs: number): MaybePromise<number> {
    return this.race(() => this.remote.distinct(key, member, windowMs, nowMs), () => this.local.distinct(key, member, windowMs, nowMs));
  }

  mark(key: string, untilMs: number): MaybePromise<void> {
    this.local.mark(key, untilMs);
    return this.race(() => this.remote.mark(key, untilMs), () => undefined);
  }

  unmark(key: string): MaybePromise<void> {
    this.local.unmark(key);
    return this.race(() => this.remote.unmark(key), () => undefined);
  }

  marked(key: string, nowMs: number): MaybePromise<number | undefined> {
    const here = this.local.marked(key, nowMs);
    if (here !== undefined) return here;
    return this.race(() => this.remote.marked(key, nowMs), () => undefined);
  }

  /** Stops probing and closes the remote store within `timeoutMs`. */
  async close(timeoutMs = 500): Promise<void> {
    this.closed = true;
    clearInterval(this.probing);
    this.probing = undefined;
    await this.remote.close(timeoutMs);
  }

  private race<T>(ask: () => MaybePromise<T>, fallback: () => T): MaybePromise<T> {
    if (!this.healthy) return this.fellBack(fallback);
    let answer: MaybePromise<T>;
    try {
      answer = ask();
    } catch (e) {
      this.failed(e);
      return this.fellBack(fallback);
    }
    if (!(answer instanceof Promise)) return answer;
    return new Promise<T>((resolve) => {
      let settled = false;
      const giveUp = () => {
        if (settled) return;
        settled = true;
        this.failed(new Error(`no answer within ${this.budgetMs} ms`));
        resolve(this.fellBack(fallback));
      };
      // On a busy event loop the timer can fire in the same turn as the reply arrives, before it is
      // read: giving up only after the next poll phase (setImmediate) lets a reply already there win.
      const timer = setTimeout(() => setImmediate(giveUp), this.budgetMs);
      answer.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.failuresInARow = 0;
          resolve(value);
        },
        (e: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.failed(e);
          resolve(this.fellBack(fallback));
        },
      );
    });
  }

  private fellBack<T>(fallback: () => T): T {
    this.options.onFallback?.();
    return fallback();
  }

  private failed(e: unknown): void {
    if (++this.failuresInARow >= this.failuresToOpen) this.open(e);
  }

  private open(e: unknown): void {
    if ((!this.healthy && !this.connecting) || this.closed) return;
    this.healthy = false;
    this.connecting = false;
    this.options.onStateChange?.(false, e instanceof Error ? e.message : String(e));
    this.probing = setInterval(() => void this.probe(), this.probeEveryMs);
    this.probing.unref();
  }

  private closeCircuit(reason: string): void {
    if (this.closed) return;
    clearInterval(this.probing);
    this.probing = undefined;
    this.failuresInARow = 0;
    this.connecting = false;
    this.healthy = true;
    this.options.onStateChange?.(true, reason);
  }

  private async probe(): Promise<void> {
    if (this.probeInFlight || this.closed) return;
    this.probeInFlight = true;
    try {
      if (!(await this.remote.ping())) return;
      this.closeCircuit('answers again');
    } catch {
      // Still down: the next probe tries again.
    } finally {
      this.probeInFlight = false;
    }
  }
}
