import type { PolicyRevision } from '../revision.js';
import type { DataOperation } from './data-operation.js';

/**
 * The revision `revision` became by a batch of data writes made in its instance in place: the same
 * loaded policy under the id `id`, the batch added to its parts' operations (a thread that loads
 * the parts later makes it too). Swapping it in gives the engine a fresh decision cache, so no
 * decision made with the old data is served again.
 */
export function withDataWritten(revision: PolicyRevision, id: string, operations: readonly DataOperation[]): PolicyRevision {
  return { ...revision, id, loadedAt: new Date(), parts: { ...revision.parts, id, operations: [...(revision.parts.operations ?? []), operations] } };
}
