import type { DeltaBundle } from '../bundle/index.js';
import { DataWriteError, pointerTokens, type DataOperation } from '../engine/index.js';

/** The roots of a manifest as key lists; a manifest without roots owns all of data, as in OPA. */
function rootKeys(roots: readonly string[] | undefined): string[][] {
  return (roots ?? ['']).map((root) => root.split('/').filter((k) => k !== ''));
}

function under(path: readonly string[], root: readonly string[]): boolean {
  return root.length <= path.length && root.every((k, i) => k === path[i]);
}

/**
 * A delta bundle's operations as data writes: `upsert` creates or replaces (parents too), `remove`
 * and `replace` need the document to exist, as OPA applies them. Every path must lie under one of
 * the delta's manifest roots.
 *
 * @throws DataWriteError `data_invalid` naming the operation whose path is not a path or lies outside the roots
 */
export function deltaOperations(delta: DeltaBundle): DataOperation[] {
  const roots = rootKeys(delta.manifest.roots);
  return delta.operations.map((op, i): DataOperation => {
    const path = pointerTokens(op.path, `patch.json data[${i}].path`);
    if (!roots.some((root) => under(path, root))) {
      throw new DataWriteError('data_invalid', `patch.json data[${i}]: ${op.path} is outside the delta's roots (${(delta.manifest.roots ?? []).map((r) => JSON.stringify(r)).join(', ')})`);
    }
    if (op.op === 'upsert') return { kind: 'put', path, value: op.value };
    if (op.op === 'remove') return { kind: 'delete', path };
    return { kind: 'patch', path: [], patch: [{ op: 'replace', path: op.path, value: op.value }] };
  });
}
