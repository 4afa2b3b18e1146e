/**
 * Runs an async job one at a time, coalescing requests: a request while a run is under way gets
 * that run's promise and asks for exactly one more run after it (however many requests came), so
 * a change noticed mid-run is never missed and never piles up runs. Used for policy reloads and
 * for looks at the policy source.
 *
 * @example
 * const reload = new CoalescingRun(() => loadOnce(), () => closed);
 * await reload.request();
 */
export class CoalescingRun<T> {
  private running: Promise<T> | undefined;
  private again = false;

  constructor(
    private readonly work: () => Promise<T>,
    /** When true, the extra run asked for during a run is not started (the owner is closing). */
    private readonly stopped: () => boolean,
  ) {}

  /** Starts a run, or asks for one more after the run under way and returns that one's promise. */
  request(): Promise<T> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.work().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped()) {
        this.again = false;
        void this.request();
      }
    });
    return this.running;
  }

  /** The run under way, if any. */
  get current(): Promise<T> | undefined {
    return this.running;
  }
}
