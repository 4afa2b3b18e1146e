import { WardenError } from '../errors.js';

/**
 * Why `warden replay` (or `warden advise`, which reads the same logs) could not run: a file that
 * cannot be read, a flag that makes no sense, a candidate policy that does not load.
 */
export type ReplayErrorCode = 'replay_usage' | 'replay_log_unreadable' | 'replay_policy_failed';

/** A replay that could not run; the message says what was wrong and where. */
export class ReplayError extends WardenError<ReplayErrorCode> {
  constructor(code: ReplayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ReplayError';
  }
}
