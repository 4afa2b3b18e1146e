import { WardenError } from '../errors.js';

export type CredentialErrorCode = 'credentials_key_store' | 'credentials_unknown_key' | 'credentials_key_not_active' | 'credentials_invalid_request' | 'credentials_invalid_config';

/**
 * An API key store that cannot be read or written, a key id it does not hold, a revoked or expired
 * key asked to rotate, or a request it refuses (an empty service name, a TTL or grace out of range), or a `credentials:` setting that is wrong.
 */
export class CredentialError extends WardenError<CredentialErrorCode> {
  constructor(code: CredentialErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CredentialError';
  }
}
