import type { DataOperation } from './data-operation.js';
import type { DataReader } from './instance-data.js';
import { pointerTokens } from './json-pointer.js';

/** The paths a write needs: those it only walks (a patch's document), and those it reads or replaces whole. */
export interface OperationPaths {
  walk: string[][];
  read: string[][];
}

/**
 * The paths a write needs: the document a PUT or DELETE replaces (read whole: putting it back needs
 * it), the document a patch walks into, and each patch operation's `path` and `from` under it.
 */
export function operationPaths(operations: readonly DataOperation[]): OperationPaths {
  const walk: string[][] = [];
  const paths: string[][] = [];
  for (const operation of operations) {
    if (operation.kind !== 'patch') {
      paths.push(operation.path);
      continue;
    }
    walk.push(operation.path);
    for (const op of operation.patch) {
      // Malformed pointers are the editor's to report; they read nothing.
      for (const pointer of [op.path, 'from' in op ? op.from : undefined]) {
        if (pointer === undefined) continue;
        try {
          paths.push([...operation.path, ...pointerTokens(pointer, 'path')]);
        } catch {
          // Reported by editDocument.
        }
      }
    }
  }
  return { walk, read: paths };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The part of the data a write can see, as a document the editor can work on: along each path, the
 * objects it walks hold only the members on the way; where a path to read ends, or any path meets
 * anything but an object (an array, a scalar), the value is read whole. A path to read that ends
 * where another only passed gets that value whole. Walked first, read after: a write made on it
 * touches, and can put back, exactly the members it would on the full data.
 */
export function sparseDocument(reader: DataReader, paths: OperationPaths): Record<string, unknown> {
  const partial = new WeakSet<object>();
  const root: Record<string, unknown> = {};
  partial.add(root);
  // The root read whole, for a write of the whole document.
  if (paths.read.some((p) => p.length === 0)) {
    const whole = reader.read([]);
    return isObject(whole) ? whole : root;
  }
  const wanted = [...paths.walk.map((path) => ({ path, whole: false })), ...paths.read.map((path) => ({ path, whole: true }))];
  for (const { path, whole } of wanted) {
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = whole && i === path.length - 1;
      if (Object.hasOwn(node, key)) {
        const held = node[key];
        if (!isObject(held) || !partial.has(held)) break;
        if (!last) {
          node = held;
          continue;
        }
      }
      const at = path.slice(0, i + 1);
      const kind = reader.kind(at);
      if (kind === 'absent') break;
      if (last || kind === 'value') {
        Object.defineProperty(node, key, { value: reader.read(at), writable: true, enumerable: true, configurable: true });
        break;
      }
      const member: Record<string, unknown> = {};
      partial.add(member);
      Object.defineProperty(node, key, { value: member, writable: true, enumerable: true, configurable: true });
      node = member;
    }
  }
  return root;
}
