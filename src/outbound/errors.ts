import { WardenError } from '../errors.js';

/** Stable codes of {@link OutboundError}. */
export type OutboundErrorCode = 'outbound_invalid_config' | 'outbound_tls_files';

/** Settings for calls Warden makes to other services (bundle server, decision-log collector) that cannot be used. */
export class OutboundError extends WardenError<OutboundErrorCode> {
  constructor(code: OutboundErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OutboundError';
  }
}
