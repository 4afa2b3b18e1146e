import { WardenError } from '../errors.js';

/** Stable codes of {@link AuditError}. */
export type AuditErrorCode = 'audit_invalid_config';

/** A decision-log setting that cannot be used (a rotation or retention value): says which and why. */
export class AuditError extends WardenError<AuditErrorCode> {
  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'AuditError';
  }
}
