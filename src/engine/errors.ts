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

/** Stable codes of {@link DataWriteError}. */
export type DataWriteErrorCode =
  /** The document a write needs is not there: the target of a DELETE, `remove` or `replace`, or a parent of `add`. */
  | 'data_not_found'
  /** The data is not in the state the write needs: a failed `test`, a parent that is not an object or array. */
  | 'data_conflict'
  /** The write itself is malformed: not a JSON Patch, a bad JSON pointer, a root that is not an object. */
  | 'data_invalid'
  /** An evaluating instance did not apply a validated write; every instance was put back as it was. */
  | 'data_apply_failed'
  /** Writes are not taken now: a bundle service owns the data, or no revision is loaded yet. */
  | 'data_refused';

/** Why a data write (OPA's Data API, a delta bundle) was not applied; nothing of it was. */
export class DataWriteError extends WardenError<DataWriteErrorCode> {
  constructor(code: DataWriteErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'DataWriteError';
  }
}
