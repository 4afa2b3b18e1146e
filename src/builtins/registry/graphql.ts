import type { BuiltinGroup } from './declaration.js';

/** GraphQL. */
export const GRAPHQL: BuiltinGroup = {
  category: 'graphql',
  builtins: [
    { name: 'graphql.parse', signature: 'any<string, object[any: any]>, any<string, object[any: any]> -> array[object[any: any]]', host: true, unchecked: true },
    { name: 'graphql.parse_query', signature: 'string -> object[any: any]', host: true, unchecked: true },
    { name: 'graphql.parse_schema', signature: 'string -> object[any: any]', host: true, unchecked: true },
    { name: 'graphql.parse_and_verify', signature: 'any<string, object[any: any]>, any<string, object[any: any]> -> array[any]', host: true, unchecked: true },
    { name: 'graphql.is_valid', signature: 'any<string, object[any: any]>, any<string, object[any: any]> -> boolean', host: true, unchecked: true },
    { name: 'graphql.schema_is_valid', signature: 'any<string, object[any: any]> -> boolean', host: true, unchecked: true },
  ],
};
