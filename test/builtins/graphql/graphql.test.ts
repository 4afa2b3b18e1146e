import test from 'ava';
import type { RegoValue } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';

const schema = `
  type Employee { id: String! salary: Int! }
  schema { query: Query }
  type Query { employeeByID(id: String): Employee }
`;

test('parse_query returns the pruned gqlparser-shaped AST', (t) => {
  t.deepEqual(call('graphql.parse_query', '{hero {name}}'), {
    Operations: [{ Name: '', Operation: 'query', SelectionSet: [{ Alias: 'hero', Name: 'hero', SelectionSet: [{ Alias: 'name', Name: 'name' }] }] }],
  });
  const ast = call('graphql.parse_query', 'query Q($ids: [ID!]!, $on: Boolean = true) { f(a: $ids, b: [1, "x"], c: {d: null}) @include(if: $on) { ... on T { x } ...Frag } }');
  t.deepEqual(ast, {
    Operations: [
      {
        Name: 'Q',
        Operation: 'query',
        VariableDefinitions: [
          { Variable: 'ids', Type: { NamedType: '', Elem: { NamedType: 'ID', NonNull: true }, NonNull: true }, Used: false },
          { Variable: 'on', Type: { NamedType: 'Boolean', NonNull: false }, DefaultValue: { Raw: 'true', Kind: 5, ExpectedTypeHasDefault: false }, Used: false },
        ],
        SelectionSet: [
          {
            Alias: 'f',
            Name: 'f',
            Arguments: [
              { Name: 'a', Value: { Raw: 'ids', Kind: 0, ExpectedTypeHasDefault: false } },
              {
                Name: 'b',
                Value: {
                  Raw: '',
                  Kind: 8,
                  ExpectedTypeHasDefault: false,
                  Children: [
                    { Name: '', Value: { Raw: '1', Kind: 1, ExpectedTypeHasDefault: false } },
                    { Name: '', Value: { Raw: 'x', Kind: 3, ExpectedTypeHasDefault: false } },
                  ],
                },
              },
              { Name: 'c', Value: { Raw: '', Kind: 9, ExpectedTypeHasDefault: false, Children: [{ Name: 'd', Value: { Raw: 'null', Kind: 6, ExpectedTypeHasDefault: false } }] } },
            ],
            Directives: [{ Name: 'include', Location: '', Arguments: [{ Name: 'if', Value: { Raw: 'on', Kind: 0, ExpectedTypeHasDefault: false } }] }],
            SelectionSet: [{ TypeCondition: 'T', SelectionSet: [{ Alias: 'x', Name: 'x' }] }, { Name: 'Frag' }],
          },
        ],
      },
    ],
  } as unknown as RegoValue);
});

test('parse errors are located', (t) => {
  fails(t, 'eval_builtin_error', 'graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:2', 'graphql.parse_query', '{');
  fails(t, 'eval_builtin_error', 'graphql.parse_query: Unexpected ... in GraphQL string at location 1:1', 'graphql.parse_query', '...');
  fails(t, 'eval_builtin_error', /^graphql\.parse_schema: .* in GraphQL string at location 1:\d+$/, 'graphql.parse_schema', 'type Hello {}');
  fails(t, 'eval_type_error', 'graphql.parse_query: operand 1 must be string but got number', 'graphql.parse_query', 1);
});

test('parse_schema', (t) => {
  t.deepEqual(call('graphql.parse_schema', 'type Hello { world: String }'), {
    Definitions: [{ BuiltIn: false, Description: '', Fields: [{ Description: '', Name: 'world', Type: { NamedType: 'String', NonNull: false } }], Kind: 'OBJECT', Name: 'Hello' }],
  } as unknown as RegoValue);
  t.deepEqual(call('graphql.parse_schema', 'directive @foo repeatable on FIELD'), {
    Directives: [{ Description: '', IsRepeatable: true, Locations: ['FIELD'], Name: 'foo' }],
  } as unknown as RegoValue);
});

test('parse validates the query against the schema; AST objects are accepted', (t) => {
  const query = '{ employeeByID(id: "alice") { salary } }';
  const [q, s] = call('graphql.parse', query, schema) as RegoValue[];
  t.deepEqual(q, call('graphql.parse_query', query));
  t.deepEqual(s, call('graphql.parse_schema', schema));
  t.deepEqual(call('graphql.parse', q!, s!), [q, s]);
  fails(t, 'eval_builtin_error', /^graphql\.parse: Cannot query field "nope" on type "Query"/, 'graphql.parse', '{ nope }', schema);
  t.deepEqual(call('graphql.parse', '', 'type DeprecatedType { f: String @deprecated }')?.[0 as never], {});
});

test('is_valid, parse_and_verify and schema_is_valid report instead of failing', (t) => {
  t.true(call('graphql.is_valid', '{ employeeByID(id: "a") { id } }', schema));
  t.false(call('graphql.is_valid', '{ employeeByID(id: 1) { nope } }', schema));
  t.false(call('graphql.is_valid', 1, schema));
  t.deepEqual(call('graphql.parse_and_verify', '{ nope }', schema), [false, {}, {}]);
  t.is((call('graphql.parse_and_verify', '{ employeeByID { id } }', schema) as RegoValue[])[0], true);
  t.true(call('graphql.schema_is_valid', schema));
  t.true(call('graphql.schema_is_valid', 'extend type User { id: ID! } union E = User extend type Query { e: E }'));
  t.false(call('graphql.schema_is_valid', 'type Hello implements World { f: String }'));
  t.false(call('graphql.schema_is_valid', 'type'));
});
