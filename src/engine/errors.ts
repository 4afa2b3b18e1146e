import { WardenError } from '../errors.js';

/** Stable codes of {@link EngineError}. */
export type EngineErrorCode =
  | 'engine_no_revision'
  | 'engine_policy_files'
  | 'engine_compile_failed'
  | 'engine_load_failed'
  | 'engine_invalid_config'
  | 'engine_bundle_unverified';

/**
 * A policy that cannot be served: no revision yet, unreadable files, a compile or load failure.
 * `details` carries structured diagnostics (file:line:col) when the compiler gave them.
 */
export class EngineError extends WardenError<EngineErrorCode> {
  readonly details: readonly string[];

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown; details?: readonly string[] }) {
    super(code, message, options);
    this.name = 'EngineError';
    this.details = options?.details ?? [];
  }
}
