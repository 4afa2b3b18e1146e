import { WardenError } from '../errors.js';

/** Why `warden eval` (or `bench`) could not run a query: its inputs, or a bound it ran past. */
export type EvalErrorCode = 'eval_input_error' | 'eval_unsupported_file' | 'eval_timeout' | 'eval_failed';

/** A query that could not be evaluated; the message says what was wrong and where. */
export class EvalError extends WardenError<EvalErrorCode> {
  constructor(code: EvalErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EvalError';
  }
}
