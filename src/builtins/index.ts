import { toSdkBuiltins } from './host-builtins.js';
import { withNondeterminismNoted } from './nondeterminism.js';
import type { HostBuiltinTable } from './host-builtin.js';
import { HOST_TABLE, MARKED_ARGS_TABLE } from './host-table.js';

/** Every TypeScript builtin, keyed by OPA name. */
export const builtinImplementations: Readonly<HostBuiltinTable> = HOST_TABLE;

/**
 * The third argument of `loadPolicy` for Warden-compiled modules (and OPA-built ones). Its
 * non-deterministic builtins record that they ran (see `takeNondeterministic`).
 */
export const hostBuiltins = toSdkBuiltins(withNondeterminismNoted(HOST_TABLE), MARKED_ARGS_TABLE);

export { takeNondeterministic } from './nondeterminism.js';
