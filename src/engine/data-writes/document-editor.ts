import { DataWriteError } from '../errors.js';
import { pointerText } from './json-pointer.js';
import { stringifyJsonExact } from '../exact-json.js';

type Container = Record<string, unknown> | unknown[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** Sets an own member, even one named `__proto__` (an assignment would set the prototype instead). */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** An array index token: `0`, `12` (no leading zeros), or `-` (past the end) when `end` is allowed. */
function arrayIndex(array: unknown[], token: string, tokens: readonly string[], end: boolean): number {
  if (end && token === '-') return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new DataWriteError('data_invalid', `${pointerText(tokens)}: "${token}" is not an array index`);
  const index = Number(token);
  if (index > (end ? array.length : array.length - 1)) throw new DataWriteError('data_not_found', `${pointerText(tokens)}: index ${index} is out of the array's bounds (length ${array.length})`);
  return index;
}

/**
 * Edits a JSON document in place and remembers how to put every change back: a write is checked
 * against the data by making it, and {@link undo} restores the document exactly if a later step of
 * the same write fails. Each change's path is kept in {@link touched} so the same change can be
 * made elsewhere (see lowerWrites). Edits are O(depth), never a copy of a large object.
 */
export class DocumentEditor {
  /** The paths of everything changed, in order (a path may end inside an array). */
  readonly touched: string[][] = [];
  private readonly undos: Array<() => void> = [];

  constructor(readonly root: Record<string, unknown>) {}

  /** The value at `tokens`, or `undefined` when there is none. */
  get(tokens: readonly string[]): unknown {
    let current: unknown = this.root;
    for (const token of tokens) {
      if (Array.isArray(current)) {
        if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= current.length) return undefined;
        current = current[Number(token)];
      } else if (isObject(current) && Object.hasOwn(current, token)) current = current[token];
      else return undefined;
    }
    return current;
  }

  /** RFC 6902 `add`: sets an object member or inserts into an array; the parent must exist. */
  add(tokens: readonly string[], value: unknown): void {
    if (tokens.length === 0) return this.replaceRoot(value);
    const parent = this.parent(tokens);
    const key = tokens.at(-1)!;
    if (Array.isArray(parent)) {
      const index = arrayIndex(parent, key, tokens, true);
      parent.splice(index, 0, value);
      this.undos.push(() => parent.splice(index, 1));
    } else this.setMember(parent, key, value);
    this.touched.push([...tokens]);
  }

  /** RFC 6902 `remove`: the target must exist. */
  remove(tokens: readonly string[]): void {
    if (tokens.length === 0) throw new DataWriteError('data_invalid', 'the root of data cannot be removed: write {} to empty it');
    const parent = this.parent(tokens);
    const key = tokens.at(-1)!;
    if (Array.isArray(parent)) {
      const index = arrayIndex(parent, key, tokens, false);
      const [removed] = parent.splice(index, 1);
      this.undos.push(() => parent.splice(index, 0, removed));
    } else {
      if (!Object.hasOwn(parent, key)) throw new DataWriteError('data_not_found', `${pointerText(tokens)}: no such document`);
      const old = parent[key];
      delete parent[key];
      this.undos.push(() => define(parent, key, old));
    }
    this.touched.push([...tokens]);
  }

  /** RFC 6902 `replace`: the target must exist. */
  replace(tokens: readonly string[], value: unknown): void {
    if (tokens.length === 0) return this.replaceRoot(value);
    if (this.get(tokens) === undefined) throw new DataWriteError('data_not_found', `${pointerText(tokens)}: no such document`);
    const parent = this.parent(tokens);
    const key = tokens.at(-1)!;
    if (Array.isArray(parent)) {
      const index = arrayIndex(parent, key, tokens, false);
      const old = parent[index];
      parent[index] = value;
      this.undos.push(() => void (parent[index] = old));
    } else this.setMember(parent, key, value);
    this.touched.push([...tokens]);
  }

  /**
   * OPA's PUT: creates or replaces the document at `tokens`, creating missing parents as objects.
   * A parent that exists but is neither an object nor an array is a conflict.
   */
  put(tokens: readonly string[], value: unknown): void {
    if (tokens.length === 0) return this.replaceRoot(value);
    let current: Container = this.root;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const token = tokens[i]!;
      const here = tokens.slice(0, i + 1);
      let next: unknown = Array.isArray(current) ? current[arrayIndex(current, token, here, false)] : Object.hasOwn(current, token) ? current[token] : undefined;
      if (next === undefined && isObject(current)) {
        next = {};
        this.setMember(current, token, next);
        this.touched.push(here);
      }
      if (!isContainer(next)) throw new DataWriteError('data_conflict', `${pointerText(here)} is ${stringifyJsonExact(next)}, not an object: nothing can be written under it`);
      current = next;
    }
    if (Array.isArray(current)) this.replace(tokens, value);
    else {
      this.setMember(current, tokens.at(-1)!, value);
      this.touched.push([...tokens]);
    }
  }

  /** Puts the document back as it was before the first edit. */
  undo(): void {
    for (const undo of this.undos.splice(0).reverse()) undo();
    this.touched.length = 0;
  }

  /** Replaces the root's members one by one (the root object itself is what every instance holds). */
  private replaceRoot(value: unknown): void {
    if (!isObject(value)) throw new DataWriteError('data_invalid', 'the root of data must be an object');
    for (const key of Object.keys(this.root)) {
      if (Object.hasOwn(value, key)) continue;
      const old = this.root[key];
      delete this.root[key];
      this.undos.push(() => define(this.root, key, old));
      this.touched.push([key]);
    }
    for (const [key, member] of Object.entries(value)) {
      this.setMember(this.root, key, member);
      this.touched.push([key]);
    }
  }

  private setMember(object: Record<string, unknown>, key: string, value: unknown): void {
    const had = Object.hasOwn(object, key);
    const old = object[key];
    define(object, key, value);
    this.undos.push(() => {
      if (had) define(object, key, old);
      else delete object[key];
    });
  }

  /** The container holding the last token's document; it must exist. */
  private parent(tokens: readonly string[]): Container {
    const parent = this.get(tokens.slice(0, -1));
    if (parent === undefined) throw new DataWriteError('data_not_found', `${pointerText(tokens.slice(0, -1))}: no such document (the parent of ${pointerText(tokens)})`);
    if (!isContainer(parent)) throw new DataWriteError('data_conflict', `${pointerText(tokens.slice(0, -1))} is ${stringifyJsonExact(parent)}, not an object or array`);
    return parent;
  }
}
