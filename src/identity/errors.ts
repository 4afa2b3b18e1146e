import { WardenError } from '../errors.js';

/** Stable codes of {@link IdentityError}. */
export type IdentityErrorCode =
  | 'identity_missing_certificate'
  | 'identity_no_spiffe_id'
  | 'identity_multiple_spiffe_ids'
  | 'identity_invalid_spiffe_id'
  | 'identity_ca_certificate'
  | 'identity_certificate_expired'
  | 'identity_certificate_untrusted'
  | 'identity_invalid_config'
  | 'identity_jwks_unavailable';

/** Anything that stops an identity from being established. `code` is stable; the message is for people. */
export class IdentityError extends WardenError<IdentityErrorCode> {
  constructor(code: IdentityErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'IdentityError';
  }
}
