import { WardenError } from '../errors.js';

export type TesterErrorCode = 'tester_invalid_option' | 'tester_worker_failed';

/** A test run that cannot start or go on: a bad option (`--threshold`, `--timeout`), a test worker that died. */
export class TesterError extends WardenError<TesterErrorCode> {
  constructor(code: TesterErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TesterError';
  }
}
