import { WardenError } from '../errors.js';

/** A bundle archive that cannot be read (not gzip, not tar, a bad manifest or data file). */
export class BundleError extends WardenError<'bundle_error'> {
  constructor(message: string) {
    super('bundle_error', message);
    this.name = 'BundleError';
  }
}

/** A file of a policy directory that cannot be used; `file` names it. */
export class PolicyFilesError extends WardenError<'policy_files_error'> {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super('policy_files_error', `${file}: ${problem}`);
    this.name = 'PolicyFilesError';
  }
}

/**
 * A bundle that cannot be signed, or must not be served: unsigned, signed by another key, or a file whose
 * digest does not match its signature; `file` names the file when one is at fault.
 */
export class BundleSignatureError extends WardenError<'bundle_signature_error'> {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super('bundle_signature_error', message);
    this.name = 'BundleSignatureError';
  }
}

/** Stable codes of {@link BundleServiceError}. */
export type BundleServiceErrorCode = 'bundle_service_invalid_config' | 'bundle_download_failed' | 'bundle_cache_failed';

/** A `bundleService` setting that cannot be used, a download that failed, or a bundle cache that cannot be read or written. */
export class BundleServiceError extends WardenError<BundleServiceErrorCode> {
  constructor(code: BundleServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BundleServiceError';
  }
}
