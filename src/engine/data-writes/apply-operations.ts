import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { DataWriteError } from '../errors.js';
import { editDocument, type DataOperation } from './data-operation.js';
import { DocumentEditor } from './document-editor.js';
import { instanceDataReader } from './instance-data.js';
import { instanceWrites, instanceWritesAt } from './instance-writes.js';
import { applyToPolicy } from './policy-data-writes.js';
import { operationPaths, sparseDocument } from './sparse-document.js';

/**
 * Makes `operations` (all of them or none) in a loaded policy's data in place: each is checked and
 * made on the part of the data it touches, read from the instance (see sparseDocument), and the
 * changed members are written through OPA's Wasm ABI. Every evaluating instance holds the same data,
 * so every one makes the same writes and fails the same way. Returns whether anything was written
 * (not for a PUT with `ifNoneMatch` where a document exists).
 *
 * @throws DataWriteError `data_not_found`, `data_conflict` or `data_invalid` (nothing was changed),
 *   `data_apply_failed` (the instance refused a write; what it had taken is put back)
 */
export function applyOperations(policy: LoadedPolicy, operations: readonly DataOperation[]): boolean {
  const editor = new DocumentEditor(sparseDocument(instanceDataReader(policy), operationPaths(operations)));
  for (const operation of operations) {
    if (!editDocument(editor, operation)) return false;
  }
  const writes = instanceWrites(editor);
  try {
    applyToPolicy(policy, writes);
  } catch (e) {
    try {
      // What the instance took is put back: the members' values before the batch.
      editor.undo();
      applyToPolicy(policy, instanceWritesAt(editor.root, writes.map((w) => w.path)));
    } catch {
      // The instance refused its old values too: the caller replaces it.
    }
    throw e instanceof DataWriteError ? e : new DataWriteError('data_apply_failed', (e as Error).message, { cause: e });
  }
  return true;
}

/**
 * Makes each batch in turn (a journal made again on reloaded data): a batch the data no longer takes
 * is skipped alone. Returns the indexes of the batches skipped, with why.
 */
export function replayOperations(policy: LoadedPolicy, batches: readonly (readonly DataOperation[])[]): Array<{ index: number; reason: string }> {
  const skipped: Array<{ index: number; reason: string }> = [];
  batches.forEach((batch, index) => {
    try {
      applyOperations(policy, batch);
    } catch (e) {
      skipped.push({ index, reason: (e as Error).message });
    }
  });
  return skipped;
}
