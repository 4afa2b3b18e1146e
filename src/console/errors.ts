import { WardenError } from '../errors.js';

/** Why the console cannot start or cannot answer: a bad `console` setting, a request it refuses. */
export type ConsoleErrorCode = 'console_config' | 'console_bad_request' | 'console_not_found' | 'console_busy' | 'console_unavailable';

/** A console setting or request that is not usable; the message says what is wrong and where. */
export class ConsoleError extends WardenError<ConsoleErrorCode> {
  constructor(code: ConsoleErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ConsoleError';
  }
}
