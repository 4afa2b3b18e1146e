import type { Logger } from 'pino';
import {
  applyToPolicy,
  contentRevisionId,
  DataWriteError,
  DocumentEditor,
  editDocument,
  instanceWrites,
  instanceWritesAt,
  withDataWritten,
  type DataOperation,
  type Engine,
  type InstanceWrite,
  type PolicyRevision,
} from '../engine/index.js';
import type { EvaluationPool } from './check-worker/evaluation-pool.js';

/** Who asked for a write and how, for the operational log (never the value). */
export interface DataWriteOrigin {
  /** The caller's SPIFFE ID, or where a delta bundle came from. */
  who: string;
  /** `PUT`, `PATCH`, `DELETE`, or `delta bundle`. */
  method: string;
}

/** What a write did: whether anything was written (not for a PUT with If-None-Match where a document exists), and the revision serving now. */
export interface DataWriteOutcome {
  written: boolean;
  revision: string;
}

/** Options of {@link DataWriter}. */
export interface DataWriterOptions {
  engine: Engine;
  /** The evaluation threads, when checks are evaluated off the serving thread. */
  pool?: EvaluationPool;
  logger: Logger;
  /**
   * Why writes are refused, when something else owns the data (a bundle service): OPA refuses
   * writes to a bundle's roots the same way.
   */
  ownedBy?: string;
}

function data(revision: PolicyRevision): Record<string, unknown> {
  return revision.parts.data;
}

/**
 * Writes data in place into every evaluating instance: the serving thread's and each evaluation
 * thread's (see applyToPolicy), one write at a time. A write is first made in the revision's data
 * document, which checks it (OPA's and RFC 6902's rules, all of a patch or nothing); then each
 * thread makes the same member writes, then the serving thread, which swaps in the written revision
 * under a new id (a fresh decision cache). If any instance fails, every one is put back with the
 * inverse writes and the write fails: no instance keeps a half-applied write.
 *
 * Writes are kept in a journal and made again on each revision loaded from the policy directory or
 * bundle file (see {@link replay}), so a reload does not silently lose them; a write the new data
 * no longer takes is dropped from the journal with a warning.
 *
 * @example
 * const writer = new DataWriter({ engine, pool, logger });
 * await writer.write({ kind: 'put', path: ['grants', 'bob'], value: ['read'] }, { who: caller, method: 'PUT' });
 */
export class DataWriter {
  private readonly journal: DataOperation[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DataWriterOptions) {}

  /** Writes kept to make again after a reload. */
  get journalLength(): number {
    return this.journal.length;
  }

  /**
   * Makes `operation` in every instance, after the writes before it; resolves once every instance
   * has it, `written: false` for a PUT with If-None-Match where a document exists.
   *
   * @throws DataWriteError `data_refused` (a bundle service owns the data, no revision yet),
   *   `data_not_found`, `data_conflict`, `data_invalid` (nothing was changed), `data_apply_failed`
   */
  write(operation: DataOperation, origin: DataWriteOrigin): Promise<DataWriteOutcome> {
    return this.enqueue(() => {
      if (this.options.ownedBy !== undefined) throw new DataWriteError('data_refused', `data is owned by ${this.options.ownedBy}: writes are refused`);
      return this.writeNow([operation], origin, { journal: true });
    });
  }

  /**
   * Makes a delta bundle's operations in every instance, all of them or none, as revision
   * `revision` (the delta's own); not journaled: the next snapshot replaces the data whole.
   *
   * @throws DataWriteError as {@link write} does, except `data_refused` for an owned source
   */
  applyDelta(operations: readonly DataOperation[], revision: string, origin: DataWriteOrigin): Promise<DataWriteOutcome> {
    return this.enqueue(() => this.writeNow(operations, origin, { journal: false, revision }));
  }

  private enqueue(run: () => Promise<DataWriteOutcome>): Promise<DataWriteOutcome> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * The journal made again on `revision`, just loaded and swapped in: the written revision, swapped
   * in before any check sees the unwritten one (this runs in the same turn as the swap). Returns
   * `revision` itself when the journal is empty.
   */
  replay(revision: PolicyRevision): PolicyRevision {
    if (this.journal.length === 0) return revision;
    const root = data(revision);
    const touched: string[][] = [];
    const kept = this.journal.filter((operation) => {
      // An editor per write: one that fails is undone alone.
      const editor = new DocumentEditor(root);
      try {
        editDocument(editor, operation);
      } catch (e) {
        this.options.logger.warn({ path: `/${operation.path.join('/')}` }, `a data write is not made again on the reloaded data, and is dropped: ${(e as Error).message}`);
        return false;
      }
      touched.push(...editor.touched);
      return true;
    });
    this.journal.splice(0, this.journal.length, ...kept);
    const writes = instanceWritesAt(root, touched);
    applyToPolicy(revision.policy, writes);
    const written = withDataWritten(revision, contentRevisionId(revision.id, JSON.stringify(writes)));
    this.options.engine.swap(written);
    this.options.logger.info({ revision: written.id, writes: kept.length }, 'data writes made again on the reloaded data');
    return written;
  }

  private async writeNow(operations: readonly DataOperation[], origin: DataWriteOrigin, how: { journal: boolean; revision?: string }): Promise<DataWriteOutcome> {
    const { engine, pool, logger } = this.options;
    const path = operations.length === 1 ? `/${operations[0]!.path.join('/')}` : undefined;
    const revision = engine.revision;
    if (!revision) throw new DataWriteError('data_refused', 'no policy revision is loaded yet');
    const editor = new DocumentEditor(data(revision));
    for (const operation of operations) {
      // A failing operation undoes the editor whole: the earlier operations of a delta too.
      if (!editDocument(editor, operation)) return { written: false, revision: revision.id };
    }
    const writes = instanceWrites(editor);
    const id = how.revision || contentRevisionId(revision.id, JSON.stringify(writes));
    const inverse = (): InstanceWrite[] => {
      editor.undo();
      return instanceWritesAt(editor.root, writes.map((w) => w.path));
    };
    try {
      await pool?.applyDataWrites({ ...revision.parts, id }, writes);
      if (engine.revision !== revision) throw new DataWriteError('data_apply_failed', 'the policy was reloaded while the write was being applied: write again');
      applyToPolicy(revision.policy, writes);
    } catch (e) {
      await this.putBack(revision, inverse(), e);
      throw e instanceof DataWriteError ? e : new DataWriteError('data_apply_failed', `the write was not applied: ${(e as Error).message}`, { cause: e });
    }
    engine.swap(withDataWritten(revision, id));
    if (how.journal) this.journal.push(...operations);
    logger.info({ who: origin.who, method: origin.method, ...(path !== undefined ? { path } : { operations: operations.length }), revision: id }, 'data written');
    return { written: true, revision: id };
  }

  /** After a failed write: every instance given the values the document holds again. */
  private async putBack(revision: PolicyRevision, inverse: InstanceWrite[], cause: unknown): Promise<void> {
    const { engine, pool, logger } = this.options;
    if (engine.revision !== revision) return;
    try {
      applyToPolicy(revision.policy, inverse);
    } catch (e) {
      logger.error(`a failed data write could not be undone on the serving thread: ${(e as Error).message}`);
    }
    await pool?.applyDataWrites(revision.parts, inverse).catch((e: Error) => logger.error(`a failed data write could not be undone on the evaluation workers: ${e.message}`));
    logger.warn(`data write failed and undone everywhere: ${(cause as Error).message}`);
  }
}
