import type { Logger } from 'pino';

/** How long one release step may take before the next one starts anyway (default). */
export const RELEASE_STEP_MS = 2_000;

interface Held {
  name: string;
  release: () => Promise<void> | void;
  /** Longest this step may take; past it the step is abandoned (logged) and the next one runs. */
  timeoutMs: number;
}

/**
 * What a running server holds — threads, sockets, watchers, files — and how each is released.
 * Start registers each resource right after acquiring it; a failed start and a stop both release
 * through {@link release}, newest first, so there is one order of clean-up and it is the reverse of
 * the order things were started. Every step is bounded: a step that hangs (a decision log whose
 * stdout nobody reads) is abandoned after its timeout instead of holding the process forever.
 *
 * @example
 * const lifecycle = new Lifecycle(logger);
 * const log = new OffThreadDecisionLog({ destination: 'stdout' });
 * lifecycle.hold('decision log', () => log.close());
 * await lifecycle.release();
 */
export class Lifecycle {
  private readonly held: Held[] = [];
  private readonly logger: Logger;
  private releasing: Promise<void> | undefined;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** Registers how to release a resource that was just acquired. */
  hold(name: string, release: () => Promise<void> | void, timeoutMs = RELEASE_STEP_MS): void {
    if (this.releasing) throw new Error(`cannot hold ${name}: the server is stopping`);
    this.held.push({ name, release, timeoutMs });
  }

  /** Whether {@link release} has begun. */
  get stopping(): boolean {
    return this.releasing !== undefined;
  }

  /** Releases everything held, newest first, each step within its timeout. Idempotent. */
  release(): Promise<void> {
    return (this.releasing ??= this.releaseAll());
  }

  private async releaseAll(): Promise<void> {
    for (const step of this.held.reverse()) {
      const outcome = await bounded(step.release, step.timeoutMs);
      if (outcome === 'timeout') this.logger.warn({ step: step.name, timeoutMs: step.timeoutMs }, `stopping: ${step.name} did not finish in time; abandoned`);
      else if (outcome !== 'done') this.logger.error({ step: step.name, err: outcome }, `stopping: ${step.name} failed`);
    }
    this.held.length = 0;
  }
}

/** Runs `work`, resolving to 'done', 'timeout', or the error it failed with; never rejects. */
async function bounded(work: () => Promise<void> | void, timeoutMs: number): Promise<'done' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(work).then(() => 'done' as const), timeout]);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  } finally {
    clearTimeout(timer);
  }
}
