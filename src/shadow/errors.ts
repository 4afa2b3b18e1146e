import { WardenError } from '../errors.js';

/** Why shadow evaluation could not be set up: a bad `shadow` setting, a candidate that does not load. */
export type ShadowErrorCode = 'shadow_config' | 'shadow_policy_failed';

/** Shadow evaluation that cannot start; the message names the setting or the candidate's problem. */
export class ShadowError extends WardenError<ShadowErrorCode> {
  constructor(code: ShadowErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ShadowError';
  }
}
