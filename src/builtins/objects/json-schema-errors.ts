import type { ErrorObject } from 'ajv';
import { canonicalJson, scoreBranch } from './json-schema-score.js';

// ajv's errors in the shape and wording of gojsonschema, which OPA uses: its field names, its
// texts (locales.go), one error per repeated array item, and for anyOf/oneOf the combinator's
// error followed by the errors of the best-scoring branch only.

/** One error as json.match_schema returns it. */
export type SchemaError = {
  error: string;
  type: string;
  field: string;
  desc: string;
};

const unescape = (p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~');

/** gojsonschema's field: the instance path dotted, `(root)` for the document itself. */
function field(instancePath: string): string {
  if (instancePath === '') return '(root)';
  return instancePath.slice(1).split('/').map(unescape).join('.');
}

function valueAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const raw of pointer === '' || pointer === '#' ? [] : pointer.replace(/^#/, '').slice(1).split('/')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[unescape(decodeURIComponent(raw))];
  }
  return cur;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function make(instancePath: string, type: string, desc: string): SchemaError {
  const f = field(instancePath);
  return { error: `${f}: ${desc}`, type, field: f, desc };
}

/** gojsonschema's type and description for one ajv error. */
function describe(e: ErrorObject, doc: unknown): SchemaError {
  const p = e.params as Record<string, unknown>;
  const at = (type: string, desc: string) => make(e.instancePath, type, desc);
  switch (e.keyword) {
    case 'type': {
      const expected = Array.isArray(p.type) ? (p.type as string[]).join(', ') : String(p.type);
      return at('invalid_type', `Invalid type. Expected: ${expected}, given: ${typeName(valueAt(doc, e.instancePath))}`);
    }
    case 'required':
      return at('required', `${String(p.missingProperty)} is required`);
    case 'additionalProperties':
      return at('additional_property_not_allowed', `Additional property ${String(p.additionalProperty)} is not allowed`);
    case 'enum':
      return at('enum', `${field(e.instancePath)} must be one of the following: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`);
    case 'const':
      return at('const', `${field(e.instancePath)} does not match: ${JSON.stringify(p.allowedValue)}`);
    case 'minimum':
      return at('number_gte', `Must be greater than or equal to ${String(p.limit)}`);
    case 'exclusiveMinimum':
      return at('number_gt', `Must be greater than ${String(p.limit)}`);
    case 'maximum':
      return at('number_lte', `Must be less than or equal to ${String(p.limit)}`);
    case 'exclusiveMaximum':
      return at('number_lt', `Must be less than ${String(p.limit)}`);
    case 'multipleOf':
      return at('multiple_of', `Must be a multiple of ${String(p.multipleOf)}`);
    case 'minLength':
      return at('string_gte', `String length must be greater than or equal to ${String(p.limit)}`);
    case 'maxLength':
      return at('string_lte', `String length must be less than or equal to ${String(p.limit)}`);
    case 'pattern':
      return at('pattern', `Does not match pattern '${String(p.pattern)}'`);
    case 'format':
      return at('format', `Does not match format '${String(p.format)}'`);
    case 'minItems':
      return at('array_min_items', `Array must have at least ${String(p.limit)} items`);
    case 'maxItems':
      return at('array_max_items', `Array must have at most ${String(p.limit)} items`);
    case 'minProperties':
      return at('array_min_properties', `Must have at least ${String(p.limit)} properties`);
    case 'maxProperties':
      return at('array_max_properties', `Must have at most ${String(p.limit)} properties`);
    case 'anyOf':
      return at('number_any_of', 'Must validate at least one schema (anyOf)');
    case 'oneOf':
      return at('number_one_of', 'Must validate one and only one schema (oneOf)');
    case 'not':
      return at('number_not', 'Must not validate the schema (not)');
    case 'if':
      return at(`condition_${String(p.failingKeyword)}`, `Must validate "${String(p.failingKeyword)}" as "if" was valid`);
    case 'additionalItems':
      return at('array_no_additional_items', 'No additional items allowed on array');
    case 'contains':
      return at('contains', 'At least one of the items must match');
    case 'false schema':
      return at('false', 'False always fails validation');
    default:
      return at(e.keyword, e.message ?? e.keyword);
  }
}

/** Every repeat in the array, as gojsonschema reports it: [index last seen, index of the repeat]. */
function uniqueErrors(e: ErrorObject, doc: unknown): SchemaError[] {
  const items = valueAt(doc, e.instancePath);
  if (!Array.isArray(items)) return [describe(e, doc)];
  const seen = new Map<string, number>();
  const out: SchemaError[] = [];
  items.forEach((item, j) => {
    const key = canonicalJson(item);
    const i = seen.get(key);
    if (i !== undefined) out.push(make(e.instancePath, 'unique', `array items[${i},${j}] must be unique`));
    seen.set(key, j);
  });
  return out;
}

/** The branch index of an error under a combinator at `prefix` (`#/…/anyOf`), if it is one of its branches'. */
function branchOf(e: ErrorObject, prefix: string): number | undefined {
  if (!e.schemaPath.startsWith(`${prefix}/`)) return undefined;
  const k = Number(e.schemaPath.slice(prefix.length + 1).split('/')[0]);
  return Number.isInteger(k) ? k : undefined;
}

/**
 * For each failed anyOf/oneOf (outermost first): the combinator's error, then the errors of the
 * branch gojsonschema would keep (the first with the highest score), the other branches' dropped.
 */
function keepBestBranches(errors: ErrorObject[], doc: unknown, schema: unknown): ErrorObject[] {
  let list = errors;
  const combinators = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const c of combinators) {
    if (!list.includes(c)) continue;
    const byBranch = new Map<number, ErrorObject[]>();
    for (const e of list) {
      const k = branchOf(e, c.schemaPath);
      if (k !== undefined && e.instancePath.startsWith(c.instancePath)) byBranch.set(k, [...(byBranch.get(k) ?? []), e]);
    }
    const branches = valueAt(schema, c.schemaPath);
    const value = valueAt(doc, c.instancePath);
    const passing = (c.params as { passingSchemas?: unknown }).passingSchemas;
    let keep: ErrorObject[] = [];
    if (Array.isArray(branches) && !Array.isArray(passing)) {
      let bestScore = -Infinity;
      branches.forEach((branch, k) => {
        const errs = byBranch.get(k);
        if (errs === undefined) return;
        const { score } = scoreBranch(branch, value, schema);
        if (score > bestScore) {
          bestScore = score;
          keep = errs;
        }
      });
    }
    const dropped = new Set([...byBranch.values()].flat().filter((e) => !keep.includes(e)));
    const rest = list.filter((e) => !dropped.has(e) && !keep.includes(e));
    const at = rest.indexOf(c);
    list = [...rest.slice(0, at + 1), ...keep, ...rest.slice(at + 1)];
  }
  return list;
}

/**
 * ajv's errors for `doc` against `schema`, as gojsonschema reports them; `emptyEnumPaths` are
 * the schema paths where an empty enum was rewritten (json-schema-empty-enum.ts).
 */
export function gojsonschemaErrors(errors: ErrorObject[], doc: unknown, schema: unknown, emptyEnumPaths: ReadonlySet<string>): SchemaError[] {
  return keepBestBranches(errors, doc, schema).flatMap((e) => {
    if (e.keyword === 'uniqueItems') return uniqueErrors(e, doc);
    if (e.keyword === 'not' && emptyEnumPaths.has(e.schemaPath)) return [make(e.instancePath, 'enum', `${field(e.instancePath)} must be one of the following: (none)`)];
    return [describe(e, doc)];
  });
}
