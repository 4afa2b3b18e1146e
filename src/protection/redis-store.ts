import { Redis, type RedisOptions } from 'ioredis';
import { MAX_DISTINCT_MEMBERS } from './memory-store.js';
import { COUNT_SCRIPT, DISTINCT_SCRIPT, MARK_SCRIPT, TAKE_SCRIPT } from './redis-scripts.js';
import type { BucketRate, ProtectionStore, TakeResult } from './store.js';

/** How to reach Redis. */
export interface RedisStoreOptions {
  /** `redis://HOST:PORT` or, for TLS, `rediss://HOST:PORT` (a `/DB` path picks the database). */
  url: string;
  /** Overrides a password in the URL; never logged. */
  password?: string;
  /** PEM contents for TLS: the CA that signs Redis's certificate, and a client certificate and key when Redis asks for one. */
  tls?: { ca?: string; cert?: string; key?: string };
  /** Put before every key (default `warden:`), so that several services can share one Redis. */
  keyPrefix?: string;
  /** Send the commands issued in one event-loop turn as one pipeline (default true: about 3× the takes per second). */
  autoPipelining?: boolean;
  /** A command still unanswered after this long fails (default 1000 ms): nothing waits on a stopped Redis for ever. */
  commandTimeoutMs?: number;
}

type Reply<T> = Promise<T>;

/** How many tokens beyond those needed a take may lease: at most `most`, and at most `share` of what is left. */
export interface LeaseAsk {
  most: number;
  share: number;
}

/** The scripts as ioredis commands (`defineCommand`: EVALSHA, loading the script once when Redis lacks it). */
interface ScriptedRedis extends Redis {
  wardenTake(key: string, n: number, perSecond: number, burst: number, extra: number, share: number): Reply<[number, number, number, number]>;
  wardenCount(key: string, n: number, windowMs: number): Reply<number>;
  wardenDistinct(key: string, member: string, windowMs: number, most: number): Reply<number>;
  wardenMark(key: string, untilMs: number): Reply<number>;
}

export const DEFAULT_KEY_PREFIX = 'warden:';

/** ioredis options for `options`: fails fast while disconnected, and reconnects on its own. */
export function redisClientOptions(options: RedisStoreOptions): RedisOptions {
  return {
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    // Queued commands would wait for a Redis that may not come back: a caller that is answered at once can fall back.
    enableOfflineQueue: false,
    enableAutoPipelining: options.autoPipelining ?? true,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    lazyConnect: true,
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.tls ? { tls: { ...options.tls } } : {}),
  };
}

/**
 * The protection store shared by a fleet of Wardens: every operation is one Lua script run
 * atomically in Redis (on Redis's clock: see redis-scripts.ts), so N replicas together enforce one
 * limit and a ban made by one holds on all. Keys are prefixed and all expire. The `nowMs` the
 * callers pass is not used — Redis's clock decides, and Redis drops a mark when it ends.
 *
 * @example
 * const store = new RedisStore({ url: 'redis://127.0.0.1:6379' });
 * await store.connect();
 * const taken = await store.take('rl:per-subject:spiffe://x/a', 1, { perSecond: 10, burst: 20 }, Date.now());
 */
export class RedisStore implements ProtectionStore {
  readonly redis: ScriptedRedis;
  readonly evictions = 0;

  constructor(options: RedisStoreOptions) {
    const redis = new Redis(options.url, redisClientOptions(options));
    redis.defineCommand('wardenTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    redis.defineCommand('wardenCount', { numberOfKeys: 1, lua: COUNT_SCRIPT });
    redis.defineCommand('wardenDistinct', { numberOfKeys: 1, lua: DISTINCT_SCRIPT });
    redis.defineCommand('wardenMark', { numberOfKeys: 1, lua: MARK_SCRIPT });
    // Connection errors surface as failed commands (and as the fallback store's state); unhandled they would crash.
    redis.on('error', (e: Error) => (this.lastError = e.message));
    this.redis = redis as ScriptedRedis;
  }

  /** The last connection error (a refused password says so here, while the failed connect says only "closed"). */
  private lastError: string | undefined;

  /** Connects (commands fail until then: the offline queue is off). Rejects with why when Redis cannot be reached. */
  async connect(): Promise<void> {
    if (this.redis.status !== 'wait' && this.redis.status !== 'end') return;
    try {
      await this.redis.connect();
    } catch (e) {
      throw new Error(this.lastError ?? (e as Error).message, { cause: e });
    }
  }

  /** Whether Redis answers, within the command timeout. */
  async ping(): Promise<boolean> {
    // A first connection that failed is not retried by the client itself.
    await this.connect();
    return (await this.redis.ping()) === 'PONG';
  }

  async take(key: string, n: number, rate: BucketRate, _nowMs: number): Promise<TakeResult> {
    const { ok, remaining, retryAfterMs } = await this.takeWithShare(key, n, rate, { most: 0, share: 0 });
    return { ok, remaining, retryAfterMs };
  }

  /**
   * Takes `n` tokens and, with them, up to `lease.most` more but at most `lease.share` of what the
   * bucket has left after `n` (`taken` says how many in all; none when refused).
   */
  async takeWithShare(key: string, n: number, rate: BucketRate, lease: LeaseAsk): Promise<TakeResult & { taken: number }> {
    const [ok, remaining, retry, taken] = await this.redis.wardenTake(key, n, rate.perSecond, rate.burst, lease.most, lease.share);
    return { ok: ok === 1, remaining, retryAfterMs: retry < 0 ? Number.POSITIVE_INFINITY : retry, taken };
  }

  count(key: string, n: number, windowMs: number, _nowMs: number): Promise<number> {
    return this.redis.wardenCount(key, n, windowMs);
  }

  distinct(key: string, member: string, windowMs: number, _nowMs: number): Promise<number> {
    return this.redis.wardenDistinct(key, member, windowMs, MAX_DISTINCT_MEMBERS);
  }

  async mark(key: string, untilMs: number): Promise<void> {
    await this.redis.wardenMark(key, Math.round(untilMs));
  }

  async unmark(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async marked(key: string, nowMs: number): Promise<number | undefined> {
    // One GET is atomic already; Redis has dropped the mark at its end by its own clock.
    const until = await this.redis.get(key);
    if (until === null) return undefined;
    const untilMs = Number(until);
    return untilMs > nowMs ? untilMs : undefined;
  }

  /** Closes the connection: QUIT when Redis answers within `timeoutMs`, else dropped. Never rejects. */
  async close(timeoutMs = 500): Promise<void> {
    const redis = this.redis;
    if (redis.status === 'end') return;
    let timer: NodeJS.Timeout | undefined;
    const quit = redis.quit().then(() => undefined, () => undefined);
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([quit, late]);
    clearTimeout(timer);
    redis.disconnect(false);
  }
}
