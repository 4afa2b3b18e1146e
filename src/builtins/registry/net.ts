import type { BuiltinGroup } from './declaration.js';

/** Networking. */
export const NET: BuiltinGroup = {
  category: 'net',
  builtins: [
    { name: 'net.cidr_contains', signature: 'string, string -> boolean', host: true },
    { name: 'net.cidr_intersects', signature: 'string, string -> boolean', host: true },
    { name: 'net.cidr_contains_matches', signature: 'any, any -> set[array[any]]', host: true, unchecked: true },
    { name: 'net.cidr_expand', signature: 'string -> set[string]', host: true, unchecked: true },
    { name: 'net.cidr_is_valid', signature: 'string -> boolean', host: true, unchecked: true },
    { name: 'net.cidr_merge', signature: 'any<array[string], set[string]> -> set[string]', host: true, unchecked: true },
    { name: 'net.cidr_overlap', signature: 'string, string -> boolean', host: true, unchecked: true, deprecated: true },
    { name: 'net.lookup_ip_addr', signature: 'string -> set[string]', host: true, unchecked: true, nondeterministic: true },
  ],
};
