/**
 * One builtin as Warden knows it: OPA's facts (name, signature, categories, deprecated,
 * non-deterministic, as in OPA's ast/builtins.go) and Warden's (where a call is answered, whether
 * the compile-time type check reads the signature, whether the value is kept per evaluation).
 * Declarations are plain data; `index.ts` derives every lookup the compiler and runtime use.
 */
export interface BuiltinDeclaration {
  /** OPA's name, operators under their function names (`plus`, `internal.member_2`). */
  readonly name: string;
  /**
   * Argument and result types in OPA's notation, `string, any<array[string], set[string]> -> string`;
   * ` -> number` takes no argument and `-> void` has no result. The arity is the argument count.
   */
  readonly signature: string;
  /** OPA's categories; the group's category when absent. */
  readonly categories?: readonly string[];
  /** The runtime export (src/wasm/runtime) that answers calls inside the module. */
  readonly native?: string;
  /** The native export may return DEFER to hand unusual operands to the host implementation. */
  readonly defers?: true;
  /** A TypeScript implementation exists (src/builtins/**), keyed by this name in the host table. */
  readonly host?: true;
  /** Answered by the compiler itself (`=`, `:=`, METADATA lookups): no call reaches the module. */
  readonly planner?: true;
  /**
   * The compile-time argument check skips this builtin: its signature documents OPA's declaration
   * but has not been verified against Warden's conformance runs, and a stricter check than OPA's
   * would reject policies OPA accepts.
   */
  readonly unchecked?: true;
  /** Removed from Rego v1 (a v1 module that calls it does not compile). */
  readonly deprecated?: true;
  /** Its result differs between calls with the same arguments: the decision is not cached. */
  readonly nondeterministic?: true;
  /** One value per arguments and evaluation, as OPA keeps it (the host is asked once). */
  readonly perEvaluation?: true;
}

/** The declarations of one category, one file each. */
export interface BuiltinGroup {
  /** OPA's category name, used for every declaration that names none of its own. */
  readonly category: string;
  readonly builtins: readonly BuiltinDeclaration[];
}
