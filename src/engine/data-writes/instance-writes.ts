import type { DocumentEditor } from './document-editor.js';
import { stringifyJsonExact } from '../exact-json.js';

/**
 * One change as an evaluating instance makes it through OPA's Wasm ABI: set the member at `path`
 * (object keys only, never inside an array) to `valueJson`, or remove it when there is none.
 */
export interface InstanceWrite {
  path: string[];
  /** The new value as JSON text; absent: remove the member. */
  valueJson?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The shortest prefix of `tokens` that ends at an object member: `opa_value_add_path` walks and
 * creates objects only, so a change inside an array is made by writing the whole array.
 */
function memberPath(root: Record<string, unknown>, tokens: readonly string[]): string[] {
  let current: unknown = root;
  for (let i = 0; i < tokens.length; i++) {
    if (!isObject(current)) return tokens.slice(0, i);
    if (i === tokens.length - 1 || !Object.hasOwn(current, tokens[i]!)) return tokens.slice(0, i + 1);
    current = current[tokens[i]!];
  }
  return [...tokens];
}

function valueAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = root;
  for (const token of path) {
    if (!isObject(current) || !Object.hasOwn(current, token)) return undefined;
    current = current[token];
  }
  return current;
}

/**
 * What every evaluating instance must do to hold the editor's document as it is now: for each path
 * the edits touched, its member path's value read from the document (or its removal). Paths under
 * another one written are dropped (the outer write carries them), so the writes are disjoint and
 * their order does not matter.
 */
export function instanceWrites(editor: DocumentEditor): InstanceWrite[] {
  return instanceWritesAt(editor.root, editor.touched);
}

/** {@link instanceWrites} for paths touched in `root` (by several editors, or to put values back). */
export function instanceWritesAt(root: Record<string, unknown>, touchedPaths: readonly (readonly string[])[]): InstanceWrite[] {
  const paths = new Map<string, string[]>();
  for (const touched of touchedPaths) {
    const path = memberPath(root, touched);
    paths.set(JSON.stringify(path), path);
  }
  const sorted = [...paths.values()].sort((a, b) => a.length - b.length);
  const keys = new Set<string>();
  const kept: string[][] = [];
  for (const path of sorted) {
    if (path.some((_, i) => keys.has(JSON.stringify(path.slice(0, i))))) continue;
    keys.add(JSON.stringify(path));
    kept.push(path);
  }
  return kept.map((path) => {
    const value = valueAt(root, path);
    return value === undefined ? { path } : { path, valueJson: stringifyJsonExact(value) };
  });
}
