import { fileSignature, pollFile } from '../protection/file-poll.js';
import { API_KEY_REJECTED, ApiKeyStore, type ApiKeyCheck } from './api-key-store.js';

/** Options of {@link ApiKeySource}. */
export interface ApiKeySourceOptions {
  /** How often the file is looked at for a change (default 1000 ms). */
  pollMs?: number;
  /** The store was re-read after a change (`keys` now held). */
  onReload?: (keys: number) => void;
  /** The changed store could not be read: every key is refused until it can (fail closed). */
  onError?: (error: Error) => void;
}

/**
 * The API keys `serve` checks against: the store file (`apiKeys:` in the config), re-read whenever
 * it changes (`warden keys create|revoke|rotate` write a new file and rename it over the old one).
 * A store that cannot be read refuses every key until it can: a revocation must never be lost
 * to a half-edited file. A file that does not exist holds no keys.
 *
 * @example
 * const keys = new ApiKeySource('/etc/warden/api-keys.json', { onError: (e) => logger.error(e.message) });
 * keys.check(presented, 'orders', Date.now());
 */
export class ApiKeySource {
  private store: ApiKeyStore | undefined;
  private failure: string | undefined;
  private readonly stopPolling: () => void;

  /** @throws CredentialError `credentials_key_store` when the file exists and is not a store (the server does not start) */
  constructor(
    readonly file: string,
    private readonly options: ApiKeySourceOptions = {},
  ) {
    const signature = fileSignature(file);
    this.store = new ApiKeyStore(file);
    this.stopPolling = pollFile(file, signature, options.pollMs ?? 1000, () => this.reload());
  }

  /** Keys held now (0 while the store cannot be read). */
  get size(): number {
    return this.store?.list().length ?? 0;
  }

  /** Reads the file again now (the poll does this on a change). */
  reload(): void {
    try {
      this.store = new ApiKeyStore(this.file);
      this.failure = undefined;
      this.options.onReload?.(this.store.list().length);
    } catch (e) {
      this.store = undefined;
      this.failure = (e as Error).message;
      this.options.onError?.(e as Error);
    }
  }

  /** Checks `key` for a call to `service` at `nowMs` (see ApiKeyStore.check); age limits are the caller's. */
  check(key: string, service: string, nowMs: number): ApiKeyCheck & { why?: string } {
    if (!this.store) return { ok: false, reason: API_KEY_REJECTED, why: `key store unreadable: ${this.failure ?? 'not loaded'}` };
    return this.store.check(key, service, nowMs);
  }

  close(): void {
    this.stopPolling();
  }
}
