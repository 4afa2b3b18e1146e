import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

// One ajv instance per JSON Schema draft, chosen by the schema's `$schema` as gojsonschema
// (OPA's validator) accepts it: drafts 04, 06, 07, 2019-09 and 2020-12; draft-07 when unnamed.

interface AjvLike {
  compile(schema: unknown): ValidateFunction;
  addMetaSchema(schema: object): unknown;
}
type AjvCtor = new (opts: Record<string, unknown>) => AjvLike;

// ajv and its plugins are CommonJS; createRequire sidesteps their default-export interop under NodeNext.
const require = createRequire(import.meta.url);
const ctor = (id: string) => (require(id) as { default: AjvCtor }).default;
const addFormats = (require('ajv-formats') as { default: (ajv: AjvLike) => void }).default;

const OPTIONS = { strict: false, allErrors: true, validateSchema: true, logger: false };

export type Draft = '04' | '06' | '07' | '2019-09' | '2020-12';

const instances = new Map<Draft, AjvLike>();

function make(draft: Draft): AjvLike {
  const Ajv = draft === '04' ? ctor('ajv-draft-04') : draft === '2019-09' ? ctor('ajv/dist/2019') : draft === '2020-12' ? ctor('ajv/dist/2020') : ctor('ajv');
  const ajv = new Ajv(OPTIONS);
  if (draft === '06') ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  addFormats(ajv);
  return ajv;
}

/** The draft a schema declares with `$schema`; draft-07 when it declares none we know. */
export function draftOf(schema: unknown): Draft {
  const id = schema !== null && typeof schema === 'object' ? (schema as { $schema?: unknown }).$schema : undefined;
  if (typeof id !== 'string') return '07';
  if (id.includes('draft-04')) return '04';
  if (id.includes('draft-06')) return '06';
  if (id.includes('2019-09')) return '2019-09';
  if (id.includes('2020-12')) return '2020-12';
  return '07';
}

/** Compiles `schema` with the ajv of its draft (ajv's own errors propagate). */
export function compileForDraft(schema: unknown): ValidateFunction {
  const draft = draftOf(schema);
  let ajv = instances.get(draft);
  if (ajv === undefined) {
    ajv = make(draft);
    instances.set(draft, ajv);
  }
  return ajv.compile(schema);
}
