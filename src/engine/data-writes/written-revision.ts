import type { PolicyRevision } from '../revision.js';

/**
 * The revision `revision` became by a data write made in its instance in place: the same loaded
 * policy and parts (whose data the write changed too) under the id `id`. Swapping it in gives the
 * engine a fresh decision cache, so no decision made with the old data is served again.
 */
export function withDataWritten(revision: PolicyRevision, id: string): PolicyRevision {
  return { ...revision, id, loadedAt: new Date(), parts: { ...revision.parts, id } };
}
