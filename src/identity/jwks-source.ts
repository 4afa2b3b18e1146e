import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import { IdentityError } from './errors.js';

/** Options of {@link JwksSource}. */
export interface JwksSourceOptions {
  /** A file path, or an `http(s)://` URL. */
  location: string;
  /**
   * Shortest time between two fetches (default 30 s): refreshes caused by unknown `kid`s, and retries
   * after a failed load, which callers meanwhile see as an immediate `identity_jwks_unavailable`.
   */
  refreshCooldownMs?: number;
  /** Timeout of one URL fetch (default 5 s). */
  fetchTimeoutMs?: number;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * A JSON Web Key Set read from a file or URL. A token whose `kid` matches no key triggers a refresh
 * (at most one per cooldown, shared by concurrent callers), so keys rotate without a restart.
 * A failed load is not retried before the cooldown has passed either: a failing JWKS endpoint sees
 * one fetch per cooldown, not one per token.
 * Symmetric (`oct`) keys are dropped on load: service-account tokens are verified with public keys only.
 *
 * @example
 * const jwks = new JwksSource({ location: '/etc/warden/jwks.json' });
 * await jwks.load();
 * await jwtVerify(token, jwks.resolver, { algorithms: ['RS256'] });
 */
export class JwksSource {
  readonly location: string;
  private readonly cooldownMs: number;
  private readonly fetchTimeoutMs: number;
  private keys: KeyResolver | undefined;
  private lastRefresh = 0;
  private inflight: Promise<void> | undefined;
  private lastError: Error | undefined;
  /** Number of completed loads, initial one included. */
  loads = 0;

  constructor(options: JwksSourceOptions) {
    this.location = options.location;
    this.cooldownMs = options.refreshCooldownMs ?? 30_000;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 5_000;
  }

  /** Reads the key set now. @throws IdentityError `identity_jwks_unavailable` */
  async load(): Promise<void> {
    if (this.inflight) return this.inflight;
    this.lastRefresh = Date.now();
    this.inflight = this.read()
      .then(
        (set) => {
          this.keys = createLocalJWKSet(set);
          this.lastError = undefined;
          this.loads++;
        },
        (e: Error) => {
          this.lastError = e;
          throw e;
        },
      )
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** The key lookup for `jwtVerify`, refreshing once on an unknown `kid` when the cooldown allows. */
  readonly resolver = async (header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<Awaited<ReturnType<KeyResolver>>> => {
    if (!this.keys) await this.loadUnlessCoolingDown();
    try {
      return await this.keys!(header, token);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey)) throw e;
      if (this.inflight) await this.inflight.catch(() => undefined);
      else if (Date.now() - this.lastRefresh >= this.cooldownMs) await this.load().catch(() => undefined);
      else throw e;
      return this.keys!(header, token);
    }
  };

  /** Loads the keys, or rejects at once while a failed load's cooldown lasts. */
  private loadUnlessCoolingDown(): Promise<void> {
    if (this.inflight) return this.inflight;
    const waited = Date.now() - this.lastRefresh;
    if (this.lastError && waited < this.cooldownMs) {
      const retryIn = Math.ceil((this.cooldownMs - waited) / 1000);
      return Promise.reject(new IdentityError('identity_jwks_unavailable', `JWKS unavailable (retry in ${retryIn} s): ${this.lastError.message}`, { cause: this.lastError }));
    }
    return this.load();
  }

  private async read(): Promise<JSONWebKeySet> {
    let text: string;
    try {
      if (isUrl(this.location)) {
        const res = await fetch(this.location, { signal: AbortSignal.timeout(this.fetchTimeoutMs), headers: { accept: 'application/json' } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        text = await res.text();
      } else {
        text = await readFile(this.location, 'utf8');
      }
    } catch (e) {
      throw new IdentityError('identity_jwks_unavailable', `cannot read JWKS from ${this.location}: ${(e as Error).message}`, { cause: e });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new IdentityError('identity_jwks_unavailable', `JWKS at ${this.location} is not JSON`, { cause: e });
    }
    const keys = (parsed as { keys?: unknown }).keys;
    if (!Array.isArray(keys)) throw new IdentityError('identity_jwks_unavailable', `JWKS at ${this.location} has no "keys" array`);
    return { keys: keys.filter((k) => typeof k === 'object' && k !== null && (k as { kty?: unknown }).kty !== 'oct') };
  }
}
