import { WardenError } from '../../errors.js';

export type FormatErrorCode = 'rego_parse_error' | 'rego_v1_incompatible' | 'rego_format_error';

/**
 * Why a module could not be formatted. `message` is the whole text as OPA prints it
 * (`file:line:col: rego_parse_error: …`, or `N errors occurred:` and one line per error).
 */
export class FormatError extends WardenError<FormatErrorCode> {
  constructor(code: FormatErrorCode, message: string) {
    super(code, message);
    this.name = 'FormatError';
  }
}
