import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, RegoObjectEntries, type RegoValue } from '../value.js';
import { isValidJson, marshalJson } from '../encoding/json-text.js';
import { builtinError, GoError } from '../errors.js';

// JSON Schema with ajv (draft-07, and draft-04 when the schema says so), reporting errors in the
// shape and wording of gojsonschema, which OPA uses.

interface AjvLike {
  compile(schema: unknown): ValidateFunction;
}
type AjvCtor = new (opts: Record<string, unknown>) => AjvLike;

// ajv and its plugins are CommonJS; createRequire sidesteps their default-export interop under NodeNext.
const require = createRequire(import.meta.url);
const Ajv07 = (require('ajv') as { default: AjvCtor }).default;
const Ajv04 = (require('ajv-draft-04') as { default: AjvCtor }).default;
const addFormats = (require('ajv-formats') as { default: (ajv: AjvLike) => void }).default;

const OPTIONS = { strict: false, allErrors: true, validateSchema: true, logger: false };

function makeAjv(ctor: AjvCtor): AjvLike {
  const ajv = new ctor(OPTIONS);
  addFormats(ajv);
  return ajv;
}

let ajv07: AjvLike | undefined;
let ajv04: AjvLike | undefined;

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

const compiled = new Map<string, ValidateFunction>();
const CACHE_LIMIT = 256;

function compile(schemaText: string): ValidateFunction {
  const hit = compiled.get(schemaText);
  if (hit !== undefined) return hit;
  const schema = JSON.parse(schemaText) as unknown;
  checkTypes(schema);
  const draft04 =
    schema !== null && typeof schema === 'object' && typeof (schema as { $schema?: unknown }).$schema === 'string' &&
    (schema as { $schema: string }).$schema.includes('draft-04');
  let fn: ValidateFunction;
  try {
    fn = draft04 ? (ajv04 ??= makeAjv(Ajv04)).compile(schema) : (ajv07 ??= makeAjv(Ajv07)).compile(schema);
  } catch (e) {
    throw new GoError((e as Error).message);
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(schemaText, fn);
  return fn;
}

/** OPA's astValueToJSONSchemaLoader: JSON text as given, or an object serialised. */
function jsonText(v: RegoValue | undefined): string {
  if (typeof v === 'string') {
    if (!isValidJson(v)) throw new GoError('invalid JSON string');
    return v;
  }
  if (v !== undefined && (isRegoObject(v) || v instanceof RegoObjectEntries)) return marshalJson(v);
  throw new GoError('wrong type, expected string or object');
}

function field(path: string): string {
  if (path === '') return '(root)';
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAt(doc: unknown, path: string): unknown {
  if (path === '') return doc;
  let cur: unknown = doc;
  for (const raw of path.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** gojsonschema's error type and description for an ajv error. */
function describe(e: ErrorObject, doc: unknown): { type: string; desc: string; field: string } {
  const p = e.params as Record<string, unknown>;
  const f = field(e.instancePath);
  const fieldName = f;
  switch (e.keyword) {
    case 'type': {
      const expected = Array.isArray(p.type) ? (p.type as string[]).join(', ') : String(p.type);
      return { type: 'invalid_type', field: f, desc: `Invalid type. Expected: ${expected}, given: ${typeName(valueAt(doc, e.instancePath))}` };
    }
    case 'required':
      return { type: 'required', field: f, desc: `${String(p.missingProperty)} is required` };
    case 'additionalProperties':
      return { type: 'additional_property_not_allowed', field: f, desc: `Additional property ${String(p.additionalProperty)} is not allowed` };
    case 'enum':
      return { type: 'enum', field: f, desc: `${fieldName} must be one of the following: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}` };
    case 'const':
      return { type: 'const', field: f, desc: `${fieldName} does not match: ${JSON.stringify(p.allowedValue)}` };
    case 'minimum':
      return { type: 'number_gte', field: f, desc: `Must be greater than or equal to ${String(p.limit)}` };
    case 'exclusiveMinimum':
      return { type: 'number_gt', field: f, desc: `Must be greater than ${String(p.limit)}` };
    case 'maximum':
      return { type: 'number_lte', field: f, desc: `Must be less than or equal to ${String(p.limit)}` };
    case 'exclusiveMaximum':
      return { type: 'number_lt', field: f, desc: `Must be less than ${String(p.limit)}` };
    case 'multipleOf':
      return { type: 'multiple_of', field: f, desc: `Must be a multiple of ${String(p.multipleOf)}` };
    case 'minLength':
      return { type: 'string_gte', field: f, desc: `String length must be greater than or equal to ${String(p.limit)}` };
    case 'maxLength':
      return { type: 'string_lte', field: f, desc: `String length must be less than or equal to ${String(p.limit)}` };
    case 'pattern':
      return { type: 'pattern', field: f, desc: `Does not match pattern '${String(p.pattern)}'` };
    case 'format':
      return { type: 'format', field: f, desc: `Does not match format '${String(p.format)}'` };
    case 'minItems':
      return { type: 'array_min_items', field: f, desc: `Array must have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { type: 'array_max_items', field: f, desc: `Array must have at most ${String(p.limit)} items` };
    case 'uniqueItems':
      return { type: 'unique', field: f, desc: `array items[${String(p.j)},${String(p.i)}] must be unique` };
    case 'minProperties':
      return { type: 'array_min_properties', field: f, desc: `Must have at least ${String(p.limit)} properties` };
    case 'maxProperties':
      return { type: 'array_max_properties', field: f, desc: `Must have at most ${String(p.limit)} properties` };
    case 'anyOf':
      return { type: 'number_any_of', field: f, desc: 'Must validate at least one schema (anyOf)' };
    case 'oneOf':
      return { type: 'number_one_of', field: f, desc: 'Must validate one and only one schema (oneOf)' };
    case 'not':
      return { type: 'number_not', field: f, desc: 'Must not validate the schema (not)' };
    case 'if':
      return { type: `condition_${String(p.failingKeyword)}`, field: f, desc: `Must validate "${String(p.failingKeyword)}" as "if" was valid` };
    case 'additionalItems':
      return { type: 'array_no_additional_items', field: f, desc: 'No additional items allowed on array' };
    case 'contains':
      return { type: 'contains', field: f, desc: 'At least one of the items must match' };
    default:
      return { type: e.keyword, field: f, desc: e.message ?? e.keyword };
  }
}

function validate(docText: string, schemaText: string): RegoValue {
  const fn = compile(schemaText);
  const doc = JSON.parse(docText) as unknown;
  if (fn(doc)) return [true, []];
  const errors = (fn.errors ?? []).map((e) => {
    const d = describe(e, doc);
    return { error: `${d.field}: ${d.desc}`, type: d.type, field: d.field, desc: d.desc };
  });
  return [false, errors];
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
