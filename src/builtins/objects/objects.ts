import { BuiltinError, operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { ValueSet, entriesOf, findPath, isObjectValue, makeObject, objectGet, type ObjectValue } from '../rego-object.js';
import { compareValues, makeSet, setElements, valuesEqual, type Entry } from '../rego-order.js';
import { arrayArg, elementError, objectArg, typeName } from '../operands.js';

// object.get, object.keys, object.remove, object.filter, object.union, object.union_n and
// object.subset (OPA's object.go and subset.go).

export const objectGetBuiltin: HostBuiltin = (obj, key, fallback) => {
  const o = objectArg('object.get', obj, 1);
  const found = Array.isArray(key) ? (key.length === 0 ? o : findPath(o, key)) : objectGet(o, key ?? null);
  return found === undefined ? fallback : found;
};

export const objectKeys: HostBuiltin = (obj) => makeSet(entriesOf(objectArg('object.keys', obj, 1)).map(([k]) => k));

/** The keys named by an array, a set or an object's keys. */
function keyParam(name: string, v: RegoValue | undefined): ValueSet {
  if (Array.isArray(v)) return new ValueSet(v);
  if (v instanceof RegoSet) return new ValueSet(setElements(v));
  if (isObjectValue(v)) return new ValueSet(entriesOf(v).map(([k]) => k));
  throw operandTypeError(name, 2, 'one of {object, set, array}', typeName(v));
}

export const objectRemove: HostBuiltin = (obj, keys) => {
  const o = objectArg('object.remove', obj, 1);
  const drop = keyParam('object.remove', keys);
  return makeObject(entriesOf(o).filter(([k]) => !drop.has(k)));
};

export const objectFilter: HostBuiltin = (obj, keys) => {
  const o = objectArg('object.filter', obj, 1);
  const keep = keyParam('object.filter', keys);
  return makeObject(entriesOf(o).filter(([k]) => keep.has(k)));
};

/** b's entries over a's; where both hold objects they merge recursively. */
export function mergeObjects(a: ObjectValue, b: ObjectValue): ObjectValue {
  const out: Entry[] = [];
  for (const [k, va] of entriesOf(a)) {
    const vb = objectGet(b, k);
    if (vb === undefined) out.push([k, va]);
    else if (isObjectValue(va) && isObjectValue(vb)) out.push([k, mergeObjects(va, vb)]);
    else out.push([k, vb]);
  }
  for (const [k, vb] of entriesOf(b)) if (objectGet(a, k) === undefined) out.push([k, vb]);
  return makeObject(out);
}

export const objectUnion: HostBuiltin = (a, b) =>
  mergeObjects(objectArg('object.union', a, 1), objectArg('object.union', b, 2));

// OPA merges back to front, freezing a key once a non-object shadows it; that is the same
// as folding object.union from the front.
export const objectUnionN: HostBuiltin = (arr) => {
  const items = arrayArg('object.union_n', arr, 1);
  let acc: ObjectValue = {};
  for (const x of items) if (!isObjectValue(x)) throw elementError('object.union_n', 1, items, x, 'object');
  for (const x of items) acc = mergeObjects(acc, x as ObjectValue);
  return acc;
};

function objectSubset(sup: ObjectValue, sub: ObjectValue): boolean {
  for (const [k, subVal] of entriesOf(sub)) {
    const supVal = objectGet(sup, k);
    if (supVal === undefined) return false;
    if (valuesEqual(subVal, supVal)) continue;
    if (isObjectValue(supVal) && isObjectValue(subVal)) {
      if (!objectSubset(supVal, subVal)) return false;
    } else if (supVal instanceof RegoSet && subVal instanceof RegoSet) {
      if (!setSubset(supVal, subVal)) return false;
    } else if (Array.isArray(supVal) && Array.isArray(subVal)) {
      if (!arraySubset(supVal, subVal)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function setSubset(sup: RegoSet, sub: RegoSet): boolean {
  const have = new ValueSet(setElements(sup));
  return setElements(sub).every((x) => have.has(x));
}

/** `sub` occurs as a contiguous run in `sup`. */
function arraySubset(sup: RegoValue[], sub: RegoValue[]): boolean {
  if (sub.length > sup.length) return false;
  for (let start = 0; start + sub.length <= sup.length; start++) {
    if (sub.every((x, i) => compareValues(sup[start + i]!, x) === 0)) return true;
  }
  return false;
}

/**
 * OPA counts down the set's size once per array element found in the set (repeats included)
 * and only checks after each element, so an empty array never contains even the empty set.
 */
function arraySetSubset(sup: RegoValue[], sub: RegoSet): boolean {
  const want = new ValueSet(setElements(sub));
  let unmatched = want.size;
  for (const x of sup) {
    if (want.has(x)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

export const objectSubsetBuiltin: HostBuiltin = (sup, sub) => {
  if (isObjectValue(sup) && isObjectValue(sub)) return objectSubset(sup, sub);
  if (sup instanceof RegoSet && sub instanceof RegoSet) return setSubset(sup, sub);
  if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
  if (Array.isArray(sup) && sub instanceof RegoSet) return arraySetSubset(sup, sub);
  throw new BuiltinError(
    'eval_type_error',
    'object.subset: both arguments object.subset must be of the same type or array and set',
  );
};
