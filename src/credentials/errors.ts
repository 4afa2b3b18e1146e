import { WardenError } from '../errors.js';

export type CredentialErrorCode = 'credentials_key_store' | 'credentials_unknown_key' | 'credentials_invalid_config';

/** An API key store that cannot be read or written, a key id it does not hold, or a `credentials:` setting that is wrong. */
export class CredentialError extends WardenError<CredentialErrorCode> {
  constructor(code: CredentialErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CredentialError';
  }
}
