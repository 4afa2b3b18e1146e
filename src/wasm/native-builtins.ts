import { BUILTINS } from '../builtins/registry/index.js';

/**
 * Builtins compiled into the runtime, by OPA name: the runtime export that implements each, and
 * whether that export may return DEFER to hand unusual operands to the host implementation.
 * Derived from the registry (src/builtins/registry), where each builtin is declared once.
 */
export interface NativeBuiltin {
  fn: string;
  defers: boolean;
}

// No prototype: a policy function named `constructor` must not find Object's.
export const NATIVE_BUILTINS: Readonly<Record<string, NativeBuiltin>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, NativeBuiltin>,
    Object.fromEntries([...BUILTINS.values()].flatMap((b) => (b.native === undefined ? [] : [[b.name, b.native]]))),
  ),
);

/**
 * Builtins whose result differs between calls with the same arguments (OPA's non-deterministic
 * builtins). None is native: each runs on the host, so the evaluation that calls one is known to
 * hold only for its moment and its decision is not cached (see src/builtins/nondeterminism.ts).
 */
export { NON_DETERMINISTIC } from '../builtins/registry/index.js';

/** Prefix of the names under which Warden modules call host builtins (see src/builtins/host-codec.ts). */
export const HOST_BUILTIN_PREFIX = 'warden/';
