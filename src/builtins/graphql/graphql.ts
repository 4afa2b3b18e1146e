import {
  GraphQLError,
  Kind,
  buildASTSchema,
  parse,
  specifiedRules,
  validate,
  validateSchema,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoObjectEntries, isRegoObject, typeNameOf, type RegoValue } from '../value.js';
import { GoError, guarded, operandTypeError } from '../errors.js';
import { prune, queryDocument, schemaDocument } from './graphql-ast.js';
import { printQueryDocument, printSchemaDocument } from './graphql-print.js';
import { stringArg } from '../operands.js';

// GraphQL with graphql-js, reporting as OPA does with gqlparser: parse errors become
// `<message> in GraphQL string at location L:C`, ASTs come back in gqlparser's shape.

const PUNCTUATOR = /"(\.\.\.|[!$&():=@[\]{|}])"/g;

/** The significant character before `pos`, skipping what the lexer ignores. */
function previousChar(body: string, pos: number): string {
  const before = body.slice(0, pos).replace(/#[^\n\r]*$/gm, '').replace(/[\s,\uFEFF]+$/, '');
  return before.slice(-1);
}

/** graphql-js syntax error text reworded as gqlparser words it, with gqlparser's column. */
function gqlparserWording(msg: string, body: string | undefined, pos: number | undefined): { msg: string; shift: number } {
  if (msg === 'Expected Name, found "}"' && body !== undefined && pos !== undefined && previousChar(body, pos) === '{') {
    return { msg: 'expected at least one definition, found }', shift: 0 };
  }
  if (/^Unexpected variable "\$[^"]*" in constant value$/.test(msg)) return { msg: 'Unexpected $', shift: 0 };
  if (msg.startsWith('Unterminated string') || msg.startsWith('Invalid character') || msg.startsWith('Unexpected character')) {
    return { msg: 'Unexpected <Invalid>', shift: 0 };
  }
  if (msg.startsWith('Unexpected description') && body !== undefined && pos !== undefined) {
    const m = /^"((?:[^"\\\n]|\\.)*)"/.exec(body.slice(pos));
    if (m !== null) return { msg: `Unexpected String "${m[1]}"`, shift: 1 };
  }
  // gqlparser places string tokens after their opening quote.
  const shift = /(Unexpected|found) String /.test(msg) ? 1 : 0;
  return { msg: msg.replace(PUNCTUATOR, '$1'), shift };
}

function located(e: unknown, where: string): GoError {
  if (e instanceof GraphQLError) {
    const base = e.message.replace(/^Syntax Error: /, '').replace(/\.$/, '');
    const loc = e.locations?.[0];
    const syntax = e.message.startsWith('Syntax Error: ');
    const { msg, shift } = syntax ? gqlparserWording(base, e.source?.body, e.positions?.[0]) : { msg: base, shift: 0 };
    return new GoError(loc === undefined ? msg : `${msg} in ${where} at location ${loc.line}:${loc.column + shift}`);
  }
  return new GoError(e instanceof Error ? e.message : String(e));
}

/** Whether the text holds no tokens at all (gqlparser accepts that as an empty document). */
function blank(text: string): boolean {
  return text.replace(/#[^\n\r]*/g, '').replace(/[\s,\uFEFF]/g, '') === '';
}

function parseText(text: string): DocumentNode {
  if (blank(text)) return { kind: Kind.DOCUMENT, definitions: [] };
  try {
    return parse(text, { allowLegacyFragmentVariables: true, noLocation: false });
  } catch (e) {
    throw located(e, 'GraphQL string');
  }
}

const EXECUTABLE = new Set<string>([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION]);

function parseQueryText(text: string): DocumentNode {
  const doc = parseText(text);
  const bad = doc.definitions.find((d) => !EXECUTABLE.has(d.kind));
  if (bad !== undefined) {
    const loc = bad.loc?.startToken;
    throw new GoError(`Unexpected Name "${bad.kind}"${loc === undefined ? '' : ` in GraphQL string at location ${loc.line}:${loc.column}`}`);
  }
  return doc;
}

function parseSchemaText(text: string): DocumentNode {
  const doc = parseText(text);
  const bad = doc.definitions.find((d) => EXECUTABLE.has(d.kind));
  if (bad !== undefined) {
    const loc = bad.loc?.startToken;
    throw new GoError(`Unexpected ${bad.kind}${loc === undefined ? '' : ` in GraphQL string at location ${loc.line}:${loc.column}`}`);
  }
  return doc;
}

const EXTENSION_TO_DEFINITION: Record<string, Kind> = {
  [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
  [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
  [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
  [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
  [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
};

/**
 * gqlparser lets an extension stand for a type that is never defined (it creates the type); graphql-js
 * does not, so such a first extension is turned into a definition before building.
 */
function defineExtendedTypes(doc: DocumentNode): DocumentNode {
  const defined = new Set<string>();
  for (const d of doc.definitions) {
    if ('name' in d && d.name !== undefined && EXTENSION_TO_DEFINITION[d.kind] === undefined) defined.add(d.name.value);
  }
  const definitions: DefinitionNode[] = doc.definitions.map((d) => {
    const asDefinition = EXTENSION_TO_DEFINITION[d.kind];
    if (asDefinition === undefined || !('name' in d) || d.name === undefined || defined.has(d.name.value)) return d;
    defined.add(d.name.value);
    return { ...d, kind: asDefinition } as unknown as DefinitionNode;
  });
  return { ...doc, definitions };
}

/** gqlparser's schema validation, approximated with graphql-js (a Query type is not required). */
function buildSchema(doc: DocumentNode): GraphQLSchema {
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema(defineExtendedTypes(doc));
  } catch (e) {
    throw located(e, 'GraphQL string');
  }
  const errors = validateSchema(schema).filter((e) => !e.message.startsWith('Query root type must be provided'));
  if (errors.length > 0) throw located(errors[0], 'GraphQL string');
  return schema;
}

function validateQuery(schema: GraphQLSchema, doc: DocumentNode): void {
  if (doc.definitions.length === 0) return;
  const errors = validate(schema, doc, specifiedRules);
  if (errors.length > 0) throw located(errors[0], 'GraphQL string');
}

function asObject(v: RegoValue | undefined): RegoValue | undefined {
  if (v instanceof RegoObjectEntries) return v;
  return v !== undefined && isRegoObject(v) ? v : undefined;
}

/** A query operand: text, or an AST object (printed back to text and parsed again). */
function queryArg(name: string, v: RegoValue | undefined, position: number): DocumentNode {
  if (typeof v === 'string') return parseQueryText(v);
  const o = asObject(v);
  if (o !== undefined) return parseQueryText(printQueryDocument(o));
  throw operandTypeError(name, position, 'one of {object, string}', typeNameOf(v ?? null));
}

function schemaArg(name: string, v: RegoValue | undefined, position: number): DocumentNode {
  if (typeof v === 'string') return parseSchemaText(v);
  const o = asObject(v);
  if (o !== undefined) return parseSchemaText(printSchemaDocument(o));
  throw operandTypeError(name, position, 'one of {object, string}', typeNameOf(v ?? null));
}


export const graphqlParseQuery: HostBuiltin = (q) => {
  const text = stringArg('graphql.parse_query', q, 1);
  return guarded('graphql.parse_query', () => prune(queryDocument(parseQueryText(text))));
};

export const graphqlParseSchema: HostBuiltin = (s) => {
  const text = stringArg('graphql.parse_schema', s, 1);
  return guarded('graphql.parse_schema', () => prune(schemaDocument(parseSchemaText(text))));
};

export const graphqlParse: HostBuiltin = (q, s) =>
  guarded('graphql.parse', () => {
    const query = queryArg('graphql.parse', q, 1);
    const schemaDoc = schemaArg('graphql.parse', s, 2);
    validateQuery(buildSchema(schemaDoc), query);
    return [prune(queryDocument(query)), prune(schemaDocument(schemaDoc))];
  });

/** Runs `fn`; any failure (including a wrongly typed operand) is reported as `undefined`. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

export const graphqlParseAndVerify: HostBuiltin = (q, s) => {
  const r = attempt(() => {
    const query = queryArg('graphql.parse_and_verify', q, 1);
    const schemaDoc = schemaArg('graphql.parse_and_verify', s, 2);
    validateQuery(buildSchema(schemaDoc), query);
    return [true, prune(queryDocument(query)), prune(schemaDocument(schemaDoc))];
  });
  return r ?? [false, {}, {}];
};

export const graphqlIsValid: HostBuiltin = (q, s) =>
  attempt(() => {
    const query = queryArg('graphql.is_valid', q, 1);
    validateQuery(buildSchema(schemaArg('graphql.is_valid', s, 2)), query);
    return true;
  }) ?? false;

export const graphqlSchemaIsValid: HostBuiltin = (s) =>
  attempt(() => {
    buildSchema(schemaArg('graphql.schema_is_valid', s, 1));
    return true;
  }) ?? false;

export const graphqlBuiltins: Record<string, HostBuiltin> = {
  'graphql.parse': graphqlParse,
  'graphql.parse_and_verify': graphqlParseAndVerify,
  'graphql.parse_query': graphqlParseQuery,
  'graphql.parse_schema': graphqlParseSchema,
  'graphql.is_valid': graphqlIsValid,
  'graphql.schema_is_valid': graphqlSchemaIsValid,
};
