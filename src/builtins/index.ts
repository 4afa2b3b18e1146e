import { toSdkBuiltins } from './host-builtins.js';
import type { HostBuiltinTable } from './host-builtin.js';
import { stringsBuiltins } from './strings/index.js';
import { patternsTimeBuiltins } from './patterns-time/index.js';
import { collectionsBuiltins } from './collections/index.js';
import { securityBuiltins } from './security/index.js';

const implementations: HostBuiltinTable = { ...stringsBuiltins, ...patternsTimeBuiltins, ...collectionsBuiltins, ...securityBuiltins };

/** Every TypeScript builtin, keyed by OPA name. */
export const builtinImplementations: Readonly<HostBuiltinTable> = implementations;

/** The third argument of `loadPolicy` for Warden-compiled modules (and OPA-built ones). */
export const hostBuiltins = toSdkBuiltins(implementations);
