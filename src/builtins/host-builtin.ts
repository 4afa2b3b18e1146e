import type { RegoValue } from './value.js';

/**
 * A builtin implemented in TypeScript. Arguments arrive as Rego values; returning `undefined`
 * makes the call undefined; throwing a `BuiltinError` raises an evaluation error.
 */
export type HostBuiltin = (...args: RegoValue[]) => RegoValue | undefined;

export type HostBuiltinTable = Record<string, HostBuiltin>;

/**
 * A host builtin that reads its arguments in the Warden module's marker codec itself (see
 * host-codec.ts), to see what a Rego value in TypeScript loses: the text of a number.
 */
export type MarkedArgsBuiltin = (...args: unknown[]) => RegoValue | undefined;
