import type { RegoValue } from './value.js';

/**
 * A builtin implemented in TypeScript. Arguments arrive as Rego values; returning `undefined`
 * makes the call undefined; throwing a `BuiltinError` raises an evaluation error.
 */
export type HostBuiltin = (...args: RegoValue[]) => RegoValue | undefined;

export type HostBuiltinTable = Record<string, HostBuiltin>;
