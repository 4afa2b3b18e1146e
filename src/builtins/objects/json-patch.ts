import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { parsePath } from './json-paths.js';
import { entriesOf, isObjectValue, makeObject, objectGet, setHas, type ObjectValue } from '../rego-object.js';
import { makeSet, setElements, valuesEqual } from '../rego-order.js';
import { arrayArg } from '../operands.js';

// json.patch (RFC 6902 over Rego values, as OPA's edittree applies it). Any failing operation
// makes the whole call undefined, as in OPA; only a non-array patch list is a type error.

class PatchFailed extends Error {}

function abort(): never {
  throw new PatchFailed();
}

/** Rego null is a value; only a missing one fails. */
function present(v: RegoValue | undefined): RegoValue {
  return v === undefined ? abort() : v;
}

const DELETED = Symbol('deleted');
type Doc = RegoValue | typeof DELETED;

/** OPA's edittree toIndex: integer numbers, "-" for the end, decimal strings without leading zeros. */
function toIndex(length: number, seg: RegoValue): number {
  if (typeof seg === 'number' || typeof seg === 'bigint') {
    if (typeof seg === 'number' && !Number.isInteger(seg)) abort();
    return Number(seg);
  }
  if (typeof seg === 'string') {
    if (seg === '-') return length;
    if (!/^[+-]?\d+$/.test(seg)) abort();
    if (seg !== '0' && seg.startsWith('0')) abort();
    return Number(seg);
  }
  return abort();
}

function step(v: Doc, seg: RegoValue): RegoValue {
  if (v === DELETED) return abort();
  if (isObjectValue(v)) return present(objectGet(v, seg));
  if (v instanceof RegoSet) return setHas(v, seg) ? seg : abort();
  if (Array.isArray(v)) {
    const i = toIndex(v.length, seg);
    return i >= 0 && i < v.length ? v[i]! : abort();
  }
  return abort();
}

function resolve(doc: Doc, path: RegoValue[]): Doc {
  let cur = doc;
  for (const seg of path) cur = step(cur, seg);
  return cur;
}

function withKey(o: ObjectValue, key: RegoValue, value: RegoValue): ObjectValue {
  return makeObject([...entriesOf(o), [key, value]]);
}

function replaceChild(v: RegoValue, seg: RegoValue, next: RegoValue): RegoValue {
  if (isObjectValue(v)) return withKey(v, seg, next);
  if (v instanceof RegoSet) return makeSet([...setElements(v).filter((x) => !valuesEqual(x, seg)), next]);
  const arr = v as RegoValue[];
  const copy = arr.slice();
  copy[toIndex(arr.length, seg)] = next;
  return copy;
}

/** Applies `edit` to the container at `prefix`, rebuilding the ancestors. */
function update(doc: Doc, prefix: RegoValue[], edit: (container: Doc) => RegoValue): RegoValue {
  if (prefix.length === 0) return edit(doc);
  const [seg, ...rest] = prefix as [RegoValue, ...RegoValue[]];
  const inner = update(step(doc, seg), rest, edit);
  return replaceChild(doc as RegoValue, seg, inner);
}

function insert(container: Doc, key: RegoValue, value: RegoValue): RegoValue {
  if (container === DELETED) return abort();
  if (isObjectValue(container)) return withKey(container, key, value);
  if (container instanceof RegoSet) {
    if (!valuesEqual(key, value)) abort();
    return makeSet([...setElements(container), value]);
  }
  if (Array.isArray(container)) {
    const i = toIndex(container.length, key);
    if (i < 0 || i > container.length) abort();
    return [...container.slice(0, i), value, ...container.slice(i)];
  }
  return abort();
}

function remove(container: Doc, key: RegoValue): RegoValue {
  if (container === DELETED) return abort();
  if (isObjectValue(container)) {
    if (objectGet(container, key) === undefined) abort();
    return makeObject(entriesOf(container).filter(([k]) => !valuesEqual(k, key)));
  }
  if (container instanceof RegoSet) {
    if (!setHas(container, key)) abort();
    return makeSet(setElements(container).filter((x) => !valuesEqual(x, key)));
  }
  if (Array.isArray(container)) {
    const i = toIndex(container.length, key);
    if (i < 0 || i >= container.length) abort();
    return [...container.slice(0, i), ...container.slice(i + 1)];
  }
  return abort();
}

function insertAt(doc: Doc, path: RegoValue[], value: RegoValue): Doc {
  if (path.length === 0) return value;
  return update(doc, path.slice(0, -1), (c) => insert(c, path[path.length - 1]!, value));
}

function deleteAt(doc: Doc, path: RegoValue[]): Doc {
  if (path.length === 0) return doc === DELETED ? abort() : DELETED;
  return update(doc, path.slice(0, -1), (c) => remove(c, path[path.length - 1]!));
}

function renderAt(doc: Doc, path: RegoValue[]): RegoValue {
  const v = resolve(doc, path);
  return v === DELETED ? abort() : v;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function attribute(op: ObjectValue, name: string): RegoValue {
  return present(objectGet(op, name));
}

function pathOf(v: RegoValue): RegoValue[] {
  return parsePath(v) ?? abort();
}

function applyOne(doc: Doc, operation: RegoValue): Doc {
  if (!isObjectValue(operation)) return abort();
  const op = attribute(operation, 'op');
  if (typeof op !== 'string' || !OPS.has(op)) return abort();
  const path = pathOf(attribute(operation, 'path'));
  switch (op) {
    case 'add':
      return insertAt(doc, path, attribute(operation, 'value'));
    case 'remove':
      return deleteAt(doc, path);
    case 'replace': {
      const value = attribute(operation, 'value');
      return insertAt(deleteAt(doc, path), path, value);
    }
    case 'move': {
      const from = pathOf(attribute(operation, 'from'));
      const chunk = renderAt(doc, from);
      return insertAt(deleteAt(doc, from), path, chunk);
    }
    case 'copy': {
      const from = pathOf(attribute(operation, 'from'));
      return insertAt(doc, path, renderAt(doc, from));
    }
    default: {
      const value = attribute(operation, 'value');
      if (!valuesEqual(renderAt(doc, path), value)) abort();
      return doc;
    }
  }
}

export const jsonPatch: HostBuiltin = (target, patches) => {
  const operations = arrayArg('json.patch', patches, 2);
  let doc: Doc = target ?? null;
  try {
    for (const operation of operations) doc = applyOne(doc, operation);
  } catch (e) {
    if (e instanceof PatchFailed) return undefined;
    throw e;
  }
  return doc === DELETED ? undefined : doc;
};
