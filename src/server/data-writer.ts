import type { Logger } from 'pino';
import {
  applyOperations,
  contentRevisionId,
  DataWriteError,
  replayOperations,
  withDataWritten,
  type DataOperation,
  type Engine,
  type PolicyRevision,
} from '../engine/index.js';
import type { EvaluationPool } from './check-worker/evaluation-pool.js';
import { stringifyJsonExact } from '../engine/exact-json.js';

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

/**
 * Writes data in place into every evaluating instance: each evaluation thread's (see
 * EvaluationPool.applyDataOperations), or the serving thread's when it evaluates itself, one write
 * at a time. Each instance checks the write against its own data (OPA's and RFC 6902's rules, all
 * of a patch or nothing) reading only the values it touches (see applyOperations); no thread keeps
 * the data as a JS value. The written revision is swapped in under a new id (a fresh decision cache).
 *
 * Writes are kept in a journal and made again on each revision loaded from the policy directory or
 * bundle file (see {@link activate}), so a reload does not silently lose them; a write the new data
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

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Brings `revision`, just loaded, into service between two writes: the journal is made again on
   * its data (by the evaluation threads as they load it, or on this thread's instance), the pool's
   * new threads take over and the engine swaps it in, in one turn. Returns the revision serving.
   *
   * @throws EngineError `engine_load_failed` when the evaluation threads cannot load it (the serving one stays)
   */
  activate(revision: PolicyRevision): Promise<PolicyRevision> {
    return this.enqueue(async () => {
      const { engine, pool, logger } = this.options;
      const journal = [...this.journal];
      const id = journal.length === 0 ? revision.id : contentRevisionId(revision.id, JSON.stringify(journal));
      // Each write a batch of its own: one the new data no longer takes is skipped alone.
      const serving: PolicyRevision = journal.length === 0 ? revision : { ...revision, id, parts: { ...revision.parts, id, operations: journal.map((op) => [op]) } };
      let skipped: ReadonlyArray<{ index: number; reason: string }> = [];
      let takeOver = (): void => {};
      if (pool) {
        const prepared = await pool.prepare(serving.parts);
        skipped = prepared.skipped;
        takeOver = prepared.activate;
      } else if (serving.policy && journal.length > 0) skipped = replayOperations(serving.policy, serving.parts.operations!);
      for (const { index, reason } of skipped) logger.warn({ path: `/${journal[index]!.path.join('/')}` }, `a data write is not made again on the reloaded data, and is dropped: ${reason}`);
      const dropped = new Set(skipped.map((s) => s.index));
      this.journal.splice(0, this.journal.length, ...journal.filter((_, i) => !dropped.has(i)));
      engine.swap(serving);
      takeOver();
      if (journal.length > 0) logger.info({ revision: serving.id, writes: journal.length - dropped.size }, 'data writes made again on the reloaded data');
      return serving;
    });
  }

  private async writeNow(operations: readonly DataOperation[], origin: DataWriteOrigin, how: { journal: boolean; revision?: string }): Promise<DataWriteOutcome> {
    const { engine, pool, logger } = this.options;
    const path = operations.length === 1 ? `/${operations[0]!.path.join('/')}` : undefined;
    const revision = engine.revision;
    if (!revision) throw new DataWriteError('data_refused', 'no policy revision is loaded yet');
    const id = how.revision || contentRevisionId(revision.id, stringifyJsonExact(operations));
    let written: boolean;
    if (pool) written = await pool.applyDataOperations(revision.id, id, operations);
    else if (revision.policy) written = applyOperations(revision.policy, operations);
    else throw new DataWriteError('data_apply_failed', `revision ${revision.id} has no instance to write`);
    if (!written) return { written: false, revision: revision.id };
    engine.swap(withDataWritten(revision, id, operations));
    if (how.journal) this.journal.push(...operations);
    logger.info({ who: origin.who, method: origin.method, ...(path !== undefined ? { path } : { operations: operations.length }), revision: id }, 'data written');
    return { written: true, revision: id };
  }
}
