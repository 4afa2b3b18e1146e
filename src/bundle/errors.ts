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
