import type { Diagnostic } from '../rego/diagnostics.js';
import { CompileError } from '../rego/errors.js';
import type { PolicyModule, PolicyRevision } from '../engine/revision.js';
import { revisionDataValue } from '../engine/revision-data.js';
import { evaluateWithin } from '../eval/evaluate-within.js';
import { rebuildInput, type ReplayEntrypoints } from '../replay/replay-input.js';
import type { DecisionFeed } from './decision-feed.js';
import { ConsoleError } from './errors.js';
import type { PlaygroundRequest } from './playground-request.js';
import { runTestsWithin, type PlaygroundTestResult } from './playground-tests.js';

/** A playground answer: the result, or the compile errors with their positions. */
export type PlaygroundAnswer<T> = { ok: true; value: T; input?: unknown } | { ok: false; errors: Array<Pick<Diagnostic, 'code' | 'message' | 'file' | 'line' | 'col'>> };

/** Options of {@link Playground}. */
export interface PlaygroundOptions {
  revision: () => PolicyRevision | undefined;
  feed: DecisionFeed;
  entrypoints: ReplayEntrypoints;
  /** The `_test.rego` modules beside the live policy (a revision leaves them out: they never decide). */
  testModules?: () => PolicyModule[];
  /** Longest an evaluation may take, compile included (default 15 s: a fresh thread loads the compiler first). */
  evaluateTimeoutMs?: number;
  /** Longest a test run may take (default 30 s). */
  testTimeoutMs?: number;
  /** Runs at a time; more are refused as busy (default 2). */
  concurrency?: number;
}

function compileErrors(e: unknown): PlaygroundAnswer<never> | undefined {
  if (!(e instanceof CompileError)) return undefined;
  return { ok: false, errors: e.diagnostics.map(({ code, message, file, line, col }) => ({ code, message, file, line, col })) };
}

/**
 * The policy playground: evaluates edited modules against an input or a recorded decision, and
 * runs their tests, each on a worker thread that is stopped at its time limit, so the serving
 * thread never waits on a policy an administrator is writing.
 */
export class Playground {
  private running = 0;

  constructor(private readonly options: PlaygroundOptions) {}

  /** The live revision's Rego sources, and its tests. */
  sources(): { revision: string; modules: readonly PolicyModule[] } {
    const revision = this.live();
    return { revision: revision.id, modules: [...revision.modules, ...this.tests()] };
  }

  private tests(): PolicyModule[] {
    try {
      return this.options.testModules?.() ?? [];
    } catch {
      // Unreadable test files leave the playground without them, not without the policy.
      return [];
    }
  }

  async evaluate(request: PlaygroundRequest): Promise<PlaygroundAnswer<unknown>> {
    const revision = this.live();
    let input = request.input;
    let entrypoint = request.entrypoint ?? this.options.entrypoints.decision;
    if (request.decisionId !== undefined) {
      const held = this.options.feed.find(request.decisionId);
      if (!held) throw new ConsoleError('console_not_found', `no recent decision ${JSON.stringify(request.decisionId)}`);
      const rebuilt = rebuildInput(held.record, this.options.entrypoints);
      if (!rebuilt.replayable) throw new ConsoleError('console_bad_request', `decision ${request.decisionId} cannot be re-evaluated: ${rebuilt.reason}`);
      input = rebuilt.input;
      if (request.entrypoint === undefined) entrypoint = rebuilt.entrypoint;
    }
    const files = { modules: [...(request.modules ?? revision.modules)], data: revisionDataValue(revision.parts) };
    return this.exclusive(async () => {
      try {
        const result = await evaluateWithin({ files, query: `data.${entrypoint.replaceAll('/', '.')}`, input }, this.options.evaluateTimeoutMs ?? 15_000);
        const value = result.rows[0]?.expressions[0]?.value;
        return { ok: true, value, input };
      } catch (e) {
        const errors = compileErrors(e);
        if (errors) return errors;
        throw new ConsoleError('console_bad_request', (e as Error).message, { cause: e });
      }
    });
  }

  async test(request: PlaygroundRequest): Promise<PlaygroundAnswer<PlaygroundTestResult[]>> {
    const revision = this.live();
    const files = { modules: [...(request.modules ?? [...revision.modules, ...this.tests()])], data: revisionDataValue(revision.parts) };
    return this.exclusive(async () => {
      try {
        return { ok: true, value: await runTestsWithin(files, this.options.testTimeoutMs ?? 30_000) };
      } catch (e) {
        const errors = compileErrors(e);
        if (errors) return errors;
        throw new ConsoleError('console_bad_request', (e as Error).message, { cause: e });
      }
    });
  }

  private live(): PolicyRevision {
    const revision = this.options.revision();
    if (!revision) throw new ConsoleError('console_unavailable', 'no policy revision is loaded');
    if (revision.modules.length === 0) throw new ConsoleError('console_unavailable', `revision ${revision.id} came from ${revision.source} without Rego sources (a Wasm or plan bundle): nothing to edit`);
    return revision;
  }

  private async exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.running >= (this.options.concurrency ?? 2)) throw new ConsoleError('console_busy', 'the playground is busy with other runs: try again in a moment');
    this.running++;
    try {
      return await run();
    } finally {
      this.running--;
    }
  }
}
