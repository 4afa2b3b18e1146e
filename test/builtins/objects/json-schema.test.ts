import test from 'ava';
import { call } from '../helpers.js';
import type { RegoValue } from '../../../src/builtins/value.js';

// Documents given as strings are JSON text (as OPA reads them). Expected values follow gojsonschema as OPA uses it (internal/gojsonschema: validation.go,
// errors.go, locales.go): field `(root)` for the document, its texts and its choice of branch.

const err = (field: string, type: string, desc: string) => ({ error: `${field}: ${desc}`, type, field, desc });
const match = (doc: RegoValue, schema: RegoValue) => call('json.match_schema', doc, schema);

const ANY_OF = 'Must validate at least one schema (anyOf)';
const ONE_OF = 'Must validate one and only one schema (oneOf)';

test('every repeated item is reported as [index last seen, index of the repeat]', (t) => {
  t.deepEqual(match({ xs: [1, 2, 1, 1, 2] }, { properties: { xs: { uniqueItems: true } } }), [
    false,
    [err('xs', 'unique', 'array items[0,2] must be unique'), err('xs', 'unique', 'array items[2,3] must be unique'), err('xs', 'unique', 'array items[1,4] must be unique')],
  ]);
  t.deepEqual(match([{ a: 1, b: 2 }, { b: 2, a: 1 }], { uniqueItems: true }), [false, [err('(root)', 'unique', 'array items[0,1] must be unique')]]);
});

// A branch that fails early (wrong type) scores below one that validates most of the document,
// even with as many errors: gojsonschema keeps the errors of the latter only.
const BRANCHES: RegoValue[] = [
  { type: 'string' },
  { type: 'object', required: ['a', 'b', 'c'], properties: { a: { type: 'integer' }, b: { type: 'string' } } },
];

test('anyOf reports its own error, then the best-scoring branch only', (t) => {
  t.deepEqual(match({ a: 1, b: 'x' }, { anyOf: BRANCHES }), [false, [err('(root)', 'number_any_of', ANY_OF), err('(root)', 'required', 'c is required')]]);
  t.deepEqual(match('"s"', { anyOf: BRANCHES }), [true, []]);
});

test('oneOf: with no branch valid the best branch is reported; with two valid, only the oneOf error', (t) => {
  t.deepEqual(match({ a: 1, b: 'x' }, { oneOf: BRANCHES }), [false, [err('(root)', 'number_one_of', ONE_OF), err('(root)', 'required', 'c is required')]]);
  t.deepEqual(match('3', { oneOf: [{ type: 'integer' }, { minimum: 1 }] }), [false, [err('(root)', 'number_one_of', ONE_OF)]]);
});

test('the best branch is chosen inside nested documents too', (t) => {
  const branches: RegoValue[] = [{ type: 'array' }, { type: 'object', properties: { q: { type: 'string' }, r: { type: 'string' } } }];
  const schema = { properties: { p: { anyOf: branches } } };
  t.deepEqual(match({ p: { q: 'ok', r: 1 } }, schema), [false, [err('p', 'number_any_of', ANY_OF), err('p.r', 'invalid_type', 'Invalid type. Expected: string, given: integer')]]);
});

test('drafts 04, 06, 07, 2019-09 and 2020-12 are taken from $schema', (t) => {
  const d04 = { $schema: 'http://json-schema.org/draft-04/schema#', maximum: 5, exclusiveMaximum: true };
  t.deepEqual((match('5', d04) as RegoValue[])[0], false);
  t.deepEqual(match('4', d04), [true, []]);
  const d06 = { $schema: 'http://json-schema.org/draft-06/schema#', contains: { const: 'x' } };
  t.deepEqual(match(['a', 'x'], d06), [true, []]);
  t.deepEqual((match(['a'], d06) as RegoValue[])[0], false);
  const d07 = { $schema: 'http://json-schema.org/draft-07/schema#', if: { type: 'string' }, then: { minLength: 2 } };
  t.deepEqual((match('"a"', d07) as RegoValue[])[0], false);
  const d2019 = { $schema: 'https://json-schema.org/draft/2019-09/schema', dependentRequired: { a: ['b'] } };
  t.deepEqual(match({ a: 1, b: 2 }, d2019), [true, []]);
  t.deepEqual((match({ a: 1 }, d2019) as RegoValue[])[0], false);
  const d2020 = { $schema: 'https://json-schema.org/draft/2020-12/schema', prefixItems: [{ type: 'string' }], items: false };
  t.deepEqual(match(['a'], d2020), [true, []]);
  t.deepEqual((match(['a', 'b'], d2020) as RegoValue[])[0], false);
  for (const schema of [d04, d06, d07, d2019, d2020]) t.deepEqual(call('json.verify_schema', schema), [true, null]);
});

test('an empty enum is a valid schema that rejects everything, worded as gojsonschema', (t) => {
  t.deepEqual(call('json.verify_schema', { enum: [] }), [true, null]);
  t.deepEqual(match({ value: 'allow' }, { enum: [] }), [false, [err('(root)', 'enum', '(root) must be one of the following: (none)')]]);
  t.deepEqual(match({ v: 1 }, { properties: { v: { enum: [] } } }), [false, [err('v', 'enum', 'v must be one of the following: (none)')]]);
});

test('arrays are documents and schemas too (OPA takes strings, objects and arrays)', (t) => {
  t.deepEqual(match([1, 'a'], { items: { type: 'integer' } }), [false, [err('1', 'invalid_type', 'Invalid type. Expected: integer, given: string')]]);
});
