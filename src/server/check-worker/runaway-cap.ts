/**
 * Wall time after which an evaluation on a worker is a runaway however starved of CPU its thread
 * was (10 budgets, at least 1 s). Before it, the pool stops only a thread it has seen running past
 * the budget (see PoolWorker.ranPast); a worker judges its own evaluations by this cap, so that one a
 * busy machine held up is not denied for the machine's delay.
 */
export function runawayCapMs(budgetMs: number): number {
  return Math.max(1_000, 10 * budgetMs);
}
