import type { ValidateFunction } from 'ajv';
import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, RegoObjectEntries, type RegoValue } from '../value.js';
import { isValidJson, marshalJson } from '../encoding/json-text.js';
import { builtinError, GoError } from '../errors.js';
import { compileForDraft } from './json-schema-drafts.js';
import { rewriteEmptyEnums } from './json-schema-empty-enum.js';
import { gojsonschemaErrors } from './json-schema-errors.js';

// JSON Schema with ajv (the draft the schema names), errors in the shape and wording of
// gojsonschema, which OPA uses.

const VALID_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

/** gojsonschema's own check of `type` values, with its message. */
function checkTypes(schema: unknown): void {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    schema.forEach(checkTypes);
    return;
  }
  const o = schema as Record<string, unknown>;
  const types = typeof o.type === 'string' ? [o.type] : Array.isArray(o.type) ? o.type : [];
  for (const t of types) {
    if (typeof t === 'string' && !VALID_TYPES.includes(t)) {
      throw new GoError(`has a primitive type that is NOT VALID -- given: /${t}/ Expected valid values are:[${VALID_TYPES.join(' ')}]`);
    }
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') checkTypes(v);
}

interface Compiled {
  validate: ValidateFunction;
  /** The schema ajv compiled (empty enums rewritten) and where the rewrites are. */
  schema: unknown;
  emptyEnumPaths: Set<string>;
}

const compiled = new Map<string, Compiled>();
const CACHE_LIMIT = 256;

function compile(schemaText: string): Compiled {
  const hit = compiled.get(schemaText);
  if (hit !== undefined) return hit;
  const parsed = JSON.parse(schemaText) as unknown;
  checkTypes(parsed);
  const { schema, emptyEnumPaths } = rewriteEmptyEnums(parsed);
  let validate: ValidateFunction;
  try {
    validate = compileForDraft(schema);
  } catch (e) {
    throw new GoError((e as Error).message);
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  const entry = { validate, schema, emptyEnumPaths };
  compiled.set(schemaText, entry);
  return entry;
}

/** OPA's astValueToJSONSchemaLoader: JSON text as given, or an object or array serialised. */
function jsonText(v: RegoValue | undefined): string {
  if (typeof v === 'string') {
    if (!isValidJson(v)) throw new GoError('invalid JSON string');
    return v;
  }
  if (v !== undefined && (isRegoObject(v) || v instanceof RegoObjectEntries || Array.isArray(v))) return marshalJson(v);
  throw new GoError('wrong type, expected string or object');
}

function validate(docText: string, schemaText: string): RegoValue {
  const { validate: fn, schema, emptyEnumPaths } = compile(schemaText);
  const doc = JSON.parse(docText) as unknown;
  if (fn(doc)) return [true, []];
  return [false, gojsonschemaErrors(fn.errors ?? [], doc, schema, emptyEnumPaths)];
}

export const jsonMatchSchema: HostBuiltin = (document, schema) => {
  try {
    return validate(jsonText(document), jsonText(schema));
  } catch (e) {
    throw builtinError('json.match_schema', (e as Error).message);
  }
};

export const jsonVerifySchema: HostBuiltin = (schema) => {
  try {
    compile(jsonText(schema));
    return [true, null];
  } catch (e) {
    return [false, `jsonschema: ${(e as Error).message}`];
  }
};
