import type { BuiltinGroup } from './declaration.js';

/** Units, UUIDs and semantic versions. */
export const UNITS: BuiltinGroup = {
  category: 'units',
  builtins: [
    { name: 'semver.compare', signature: 'string, string -> number', categories: ['semver'], host: true },
    { name: 'semver.is_valid', signature: 'any -> boolean', categories: ['semver'], host: true, unchecked: true },
    { name: 'uuid.parse', signature: 'string -> object[string: any]', categories: ['uuid'], host: true, unchecked: true },
    { name: 'uuid.rfc4122', signature: 'string -> string', categories: ['uuid'], host: true, unchecked: true, nondeterministic: true, perEvaluation: true },
    { name: 'units.parse', signature: 'string -> number', host: true },
    { name: 'units.parse_bytes', signature: 'string -> number', host: true },
  ],
};
