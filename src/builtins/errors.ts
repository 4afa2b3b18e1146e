import { WardenError } from '../errors.js';

/** The two error codes a builtin can raise at evaluation time, as OPA names them. */
export type BuiltinErrorCode = 'eval_builtin_error' | 'eval_type_error';

/**
 * Thrown by a host builtin. With strict builtin errors (Warden's default) evaluation fails with
 * `code: message`; otherwise the call is undefined.
 */
export class BuiltinError extends WardenError<BuiltinErrorCode> {
  constructor(code: BuiltinErrorCode, message: string) {
    super(code, message);
    this.name = 'BuiltinError';
  }
}

/** `name: operand N must be EXPECTED but got ACTUAL` — OPA's wording for a wrongly typed argument. */
export function operandTypeError(name: string, position: number, expected: string, actual: string): BuiltinError {
  return new BuiltinError('eval_type_error', `${name}: operand ${position} must be ${expected} but got ${actual}`);
}

/** A builtin's own failure, worded `name: message`. */
export function builtinError(name: string, message: string): BuiltinError {
  return new BuiltinError('eval_builtin_error', `${name}: ${message}`);
}

/** A Go error with its own text, from ported Go code; `guarded` turns it into `name: message`. */
export class GoError extends Error {}

/**
 * Runs `fn`, turning any error but a BuiltinError (GoErrors, the libraries' own) into the
 * builtin error `name: message`, as OPA reports a Go error returned by a builtin.
 */
export function guarded<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BuiltinError) throw e;
    throw builtinError(name, e instanceof Error ? e.message : String(e));
  }
}
