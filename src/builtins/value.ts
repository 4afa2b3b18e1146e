/**
 * Rego values as host (TypeScript) builtins see them.
 *
 * The Wasm module hands every argument over with full fidelity: sets stay sets, integers beyond
 * 2^53 arrive as `bigint`, objects whose keys are not all strings arrive as `RegoObjectEntries`.
 * Plain objects are used whenever every key is a string.
 */
export type RegoValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | RegoValue[]
  | RegoObject
  | RegoSet
  | RegoObjectEntries;

export interface RegoObject {
  [key: string]: RegoValue;
}

/** A Rego set. Items may be given in any order and with duplicates; the module normalises them. */
export class RegoSet {
  constructor(readonly items: RegoValue[]) {}
}

/** An object with at least one non-string key, as its key/value pairs. */
export class RegoObjectEntries {
  constructor(readonly entries: Array<[RegoValue, RegoValue]>) {}
}

/** Rego's type name of a value, as `type_name` and OPA's error messages spell it. */
export function typeNameOf(value: RegoValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (value instanceof RegoSet) return 'set';
  return 'object';
}

export function isRegoObject(value: RegoValue): value is RegoObject {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof RegoSet) &&
    !(value instanceof RegoObjectEntries)
  );
}
