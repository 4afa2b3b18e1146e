/**
 * The base of the errors Warden's areas throw (`EngineError`, `ServiceError`, `IdentityError`,
 * `CompileError`, `BundleError`, `PlanError`, `CodegenError`, `BuiltinError`, …): a stable `code`
 * to match on, a message for people, and the `cause` when there is one. Each area declares its own
 * subclass and code union in its `errors.ts`; callers that only need "a Warden error and its code"
 * test for this class.
 *
 * @example
 * try { await startServer(config); } catch (e) { if (e instanceof WardenError) console.error(e.code, e.message); }
 */
export class WardenError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WardenError';
    this.code = code;
  }
}
