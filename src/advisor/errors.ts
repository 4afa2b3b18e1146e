import { WardenError } from '../errors.js';

/** Why `warden advise` could not advise: a policy layout it does not read, or grants it cannot parse. */
export type AdvisorErrorCode = 'advisor_unsupported_layout' | 'advisor_invalid_grants';

/** Advice that could not be given; the message says what is wrong and where. */
export class AdvisorError extends WardenError<AdvisorErrorCode> {
  constructor(code: AdvisorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'AdvisorError';
  }
}
