import type { RemoteStore } from './fallback-store.js';
import type { LeaseAsk } from './redis-store.js';
import type { BucketRate, MaybePromise, TakeResult } from './store.js';

/** A remote store that can hand out several tokens of a bucket in one step (the Redis store). */
export interface LeasingStore extends RemoteStore {
  takeWithShare(key: string, n: number, rate: BucketRate, lease: LeaseAsk): Promise<TakeResult & { taken: number }>;
}

export interface LocalPreCheckOptions {
  /** A lease is at most this share of what the shared bucket has left (default 1/100). */
  leaseShare?: number;
  /** Most tokens one lease holds (default 10,000). */
  maxLease?: number;
  /** Leased tokens not used within this long are dropped (default 1000 ms). */
  leaseMs?: number;
  /** How long "not banned" is believed without asking again (default 250 ms; bans must reach every replica within 1 s). */
  unmarkedMs?: number;
  /** Most keys with a lease or a remembered "not banned" (default 100,000; past it the oldest are dropped). */
  maxKeys?: number;
  /** Milliseconds since the epoch (a fake clock in tests). */
  now?: () => number;
}

const DEFAULTS = { leaseShare: 1 / 100, maxLease: 10_000, leaseMs: 1000, unmarkedMs: 250, maxKeys: 100_000 };

interface Lease {
  tokens: number;
  expiresAtMs: number;
  /** What the shared bucket had left when last asked. */
  sharedRemaining: number;
  /** A lease being asked for: the takes that meet it wait for it rather than each asking. */
  pending: Promise<void> | undefined;
}

/**
 * Answers locally what a replica may answer without asking the shared store each time, so that a
 * check whose limits are far from spent costs no round trip:
 * - **leased tokens**: when a shared bucket has plenty left, a take also takes a share of it for
 *   this replica (at most `leaseShare` of what is left, so that a hundred replicas together cannot
 *   lease it all, and at most `maxLease`); the following takes are served from that share, refilled
 *   in the background before it runs out and renewed after `leaseMs`. Near the limit (fewer than
 *   1/`leaseShare` tokens left) the share is nothing: every take goes to the shared bucket, one by
 *   one, and the limit holds exactly. Far from it, every allowed take was a token taken from the
 *   shared bucket, but a leased token may be used up to `leaseMs` (and a round trip) later, by which
 *   time the shared bucket may have refilled past it: over a window the fleet may allow the leases
 *   it holds beyond the burst — at most 1% of what was left per replica.
 * - **not banned**: a ban lookup that found none is believed for `unmarkedMs`, so a ban made on
 *   another replica holds here within that time (a ban made here is kept locally by the fallback store).
 * Everything else goes to the shared store.
 */
export class LocalPreChecks implements RemoteStore {
  private readonly leases = new Map<string, Lease>();
  private readonly unmarkedUntil = new Map<string, number>();
  private readonly settings: typeof DEFAULTS;
  private readonly now: () => number;

  constructor(
    private readonly shared: LeasingStore,
    options: LocalPreCheckOptions = {},
  ) {
    this.settings = { ...DEFAULTS, ...stripUndefined(options) };
    this.now = options.now ?? Date.now;
  }

  get evictions(): number {
    return this.shared.evictions;
  }

  take(key: string, n: number, rate: BucketRate, nowMs: number): MaybePromise<TakeResult> {
    const lease = this.leases.get(key);
    const fromLease = lease && this.takeFromLease(key, lease, n, rate);
    if (fromLease) return fromLease;
    if (lease?.pending) {
      // Near the limit, or the lease did not cover them all: one token each, from the shared bucket.
      return lease.pending.then(() => this.takeFromLease(key, lease, n, rate) ?? this.shared.take(key, n, rate, nowMs));
    }
    const fresh: Lease = { tokens: 0, expiresAtMs: 0, sharedRemaining: 0, pending: undefined };
    this.keep(this.leases, key, fresh);
    let answer!: TakeResult;
    fresh.pending = this.ask(key, fresh, n, rate).then((taken) => void (answer = taken));
    return fresh.pending.then(
      () => answer,
      (e: unknown) => {
        if (this.leases.get(key) === fresh) this.leases.delete(key);
        throw e;
      },
    );
  }

  /**
   * `n` tokens from `lease` when it holds them, refilled in the background when it runs low. An
   * expired lease is renewed (its tokens replaced by the answer); far from the limit its tokens serve
   * meanwhile, so a replica that was idle does not make its next checks wait on a round trip.
   */
  private takeFromLease(key: string, lease: Lease, n: number, rate: BucketRate): TakeResult | undefined {
    if (lease.tokens < n) return undefined;
    const plenty = lease.sharedRemaining * this.settings.leaseShare >= 1;
    if (lease.expiresAtMs <= this.now()) {
      if (!plenty) return undefined;
      if (!lease.pending) this.inBackground(key, lease, rate, true);
    } else if (!lease.pending && plenty && lease.tokens - n < this.settings.maxLease / 2) {
      this.inBackground(key, lease, rate, false);
    }
    lease.tokens -= n;
    return { ok: true, remaining: lease.tokens + lease.sharedRemaining, retryAfterMs: 0 };
  }

  private inBackground(key: string, lease: Lease, rate: BucketRate, renew: boolean): void {
    lease.pending = this.ask(key, lease, 0, rate, renew).then(
      () => undefined,
      () => {
        // Not used any more: the next take asks the shared store in the open, where a failure counts.
        lease.expiresAtMs = 0;
        lease.sharedRemaining = 0;
      },
    );
  }

  /** Takes `n` tokens for the caller and a share for `lease` (replacing what it holds when `renew`); the lease is no longer pending once answered. */
  private async ask(key: string, lease: Lease, n: number, rate: BucketRate, renew = false): Promise<TakeResult> {
    try {
      const taken = await this.shared.takeWithShare(key, Math.max(n, 1), rate, { most: this.settings.maxLease, share: this.settings.leaseShare });
      lease.sharedRemaining = taken.remaining;
      if (renew) lease.tokens = 0;
      if (!taken.ok) return { ok: false, remaining: 0, retryAfterMs: taken.retryAfterMs };
      lease.tokens += taken.taken - n;
      lease.expiresAtMs = this.now() + this.settings.leaseMs;
      return { ok: true, remaining: lease.tokens + taken.remaining, retryAfterMs: 0 };
    } finally {
      lease.pending = undefined;
    }
  }

  count(key: string, n: number, windowMs: number, nowMs: number): MaybePromise<number> {
    return this.shared.count(key, n, windowMs, nowMs);
  }

  distinct(key: string, member: string, windowMs: number, nowMs: number): MaybePromise<number> {
    return this.shared.distinct(key, member, windowMs, nowMs);
  }

  mark(key: string, untilMs: number): MaybePromise<void> {
    this.unmarkedUntil.delete(key);
    return this.shared.mark(key, untilMs);
  }

  unmark(key: string): MaybePromise<void> {
    return this.shared.unmark(key);
  }

  marked(key: string, nowMs: number): MaybePromise<number | undefined> {
    const now = this.now();
    const until = this.unmarkedUntil.get(key);
    if (until !== undefined && until > now) return undefined;
    const found = this.shared.marked(key, nowMs);
    const remember = (value: number | undefined) => {
      if (value === undefined) this.keep(this.unmarkedUntil, key, now + this.settings.unmarkedMs);
      else this.unmarkedUntil.delete(key);
      return value;
    };
    return found instanceof Promise ? found.then(remember) : remember(found);
  }

  connect(): Promise<void> {
    return this.shared.connect();
  }

  ping(): Promise<boolean> {
    return this.shared.ping();
  }

  /** Drops every lease and remembered answer (their tokens are not given back), and closes the shared store. */
  close(timeoutMs?: number): Promise<void> {
    this.leases.clear();
    this.unmarkedUntil.clear();
    return this.shared.close(timeoutMs);
  }

  private keep<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.settings.maxKeys) map.delete(map.keys().next().value!);
  }
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
