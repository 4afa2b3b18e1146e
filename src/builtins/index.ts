import { toSdkBuiltins } from './host-builtins.js';
import { withNondeterminismNoted } from './nondeterminism.js';
import type { HostBuiltinTable } from './host-builtin.js';
import { stringsBuiltins } from './strings/index.js';
import { patternsTimeBuiltins } from './patterns-time/index.js';
import { collectionsBuiltins } from './collections/index.js';
import { securityBuiltins } from './security/index.js';

const implementations: HostBuiltinTable = { ...stringsBuiltins, ...patternsTimeBuiltins, ...collectionsBuiltins, ...securityBuiltins };

/** Every TypeScript builtin, keyed by OPA name. */
export const builtinImplementations: Readonly<HostBuiltinTable> = implementations;

/**
 * The third argument of `loadPolicy` for Warden-compiled modules (and OPA-built ones). Its
 * non-deterministic builtins record that they ran (see `takeNondeterministic`).
 */
export const hostBuiltins = toSdkBuiltins(withNondeterminismNoted(implementations));

export { takeNondeterministic } from './nondeterminism.js';
