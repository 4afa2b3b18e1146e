import { WardenError } from '../errors.js';

/** Stable codes of {@link EmbedError}. */
export type EmbedErrorCode = 'embed_invalid_options' | 'embed_invalid_input';

/**
 * In-process authorization set up wrongly (`embed_invalid_options`: says which option and why), or
 * a policy input that cannot be decided (`embed_invalid_input`: says which field and why; `authorize`
 * turns it into a deny rather than throwing it).
 */
export class EmbedError extends WardenError<EmbedErrorCode> {
  constructor(code: EmbedErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EmbedError';
  }
}
