import { WardenError } from '../errors.js';

export type ProtectionErrorCode = 'protection_invalid_config' | 'protection_deny_file' | 'alert_webhook_failed';

/** A countermeasure's configuration, or a deny-list file, that cannot be used: says which field or line. */
export class ProtectionError extends WardenError<ProtectionErrorCode> {
  constructor(code: ProtectionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ProtectionError';
  }
}
