import { operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { ValueMap, entriesOf, isObjectValue, makeObject } from '../rego-object.js';
import { makeSet, setElements, type Entry } from '../rego-order.js';
import { objectArg, operandError, typeName } from '../operands.js';

// json.filter and json.remove (OPA's json.go). Paths are JSON pointers ("a/b/0", "~0" for "~",
// "~1" for "/") or arrays of segments; they are merged into a tree whose leaves (null) select a
// whole subtree, a shorter path winning over a longer one through it.

/** A path tree node: null selects everything below; a map selects children by key. */
export type PathTree = null | ValueMap<PathTree>;

/** A JSON pointer or segment array as path segments (OPA's parsePath). */
export function parsePath(p: RegoValue): RegoValue[] | undefined {
  if (typeof p === 'string') {
    if (p === '') return [];
    return p
      .replace(/^\/+/, '')
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(p)) return p;
  return undefined;
}

function pathListError(name: string, p: RegoValue): Error {
  return operandError(
    name,
    2,
    `must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`,
  );
}

function pathList(name: string, v: RegoValue | undefined): RegoValue[][] {
  let items: RegoValue[];
  if (Array.isArray(v)) items = v;
  else if (v instanceof RegoSet) items = setElements(v);
  else throw operandTypeError(name, 2, 'one of {set, array}', typeName(v));
  return items.map((p) => {
    const path = parsePath(p);
    if (path === undefined) throw pathListError(name, p);
    return path;
  });
}

/** OPA's pathsToObject. */
export function pathTree(paths: RegoValue[][]): ValueMap<PathTree> {
  const root = new ValueMap<PathTree>();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let covered = false;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      if (!node.has(k)) {
        const next = new ValueMap<PathTree>();
        node.set(k, next);
        node = next;
        continue;
      }
      const existing = node.get(k)!;
      if (existing === null) {
        covered = true;
        break;
      }
      node = existing;
    }
    if (!covered) node.set(path[path.length - 1]!, null);
  }
  return root;
}

/** OPA's filterObject: keep only what the tree selects. Array elements are keyed by their index as a string. */
function filterValue(v: RegoValue, f: PathTree): RegoValue {
  if (f === null) return v;
  if (Array.isArray(v)) {
    const out: RegoValue[] = [];
    v.forEach((x, i) => {
      const sub = f.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (v instanceof RegoSet) {
    const out: RegoValue[] = [];
    for (const x of setElements(v)) {
      const sub = f.get(x);
      if (sub !== undefined) out.push(filterValue(x, sub));
    }
    return makeSet(out);
  }
  if (isObjectValue(v)) {
    const out: Entry[] = [];
    for (const [k, x] of entriesOf(v)) {
      const sub = f.get(k);
      if (sub !== undefined) out.push([k, filterValue(x, sub)]);
    }
    return makeObject(out);
  }
  return v;
}

const REMOVED = Symbol('removed');

/** OPA's jsonRemove: drop what the tree's leaves select. */
function removeValue(v: RegoValue, f: PathTree | undefined): RegoValue | typeof REMOVED {
  if (f === undefined) return v;
  if (f === null) return REMOVED;
  if (Array.isArray(v)) {
    const out: RegoValue[] = [];
    v.forEach((x, i) => {
      const r = removeValue(x, f.get(String(i)));
      if (r !== REMOVED) out.push(r);
    });
    return out;
  }
  if (v instanceof RegoSet) {
    const out: RegoValue[] = [];
    for (const x of setElements(v)) {
      const r = removeValue(x, f.get(x));
      if (r !== REMOVED) out.push(r);
    }
    return makeSet(out);
  }
  if (isObjectValue(v)) {
    const out: Entry[] = [];
    for (const [k, x] of entriesOf(v)) {
      const r = removeValue(x, f.get(k));
      if (r !== REMOVED) out.push([k, r]);
    }
    return makeObject(out);
  }
  return v;
}

export const jsonFilter: HostBuiltin = (obj, paths) => {
  const o = objectArg('json.filter', obj, 1);
  return filterValue(o, pathTree(pathList('json.filter', paths)));
};

export const jsonRemove: HostBuiltin = (obj, paths) => {
  const o = objectArg('json.remove', obj, 1);
  const r = removeValue(o, pathTree(pathList('json.remove', paths)));
  return r === REMOVED ? undefined : r;
};
