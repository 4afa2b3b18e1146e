import type { Logger } from 'pino';

/** Default shortest time between two warnings about dropped decision-log records. */
export const DROP_WARNING_MS = 10_000;

/** A running check that warns about newly dropped records; {@link stop} ends it. */
export interface DropWarning {
  /** Stops the checks, after warning once more if records were dropped since the last warning. */
  stop(): void;
}

/**
 * Warns on `logger`, at most once every `intervalMs`, when `readDropped` (a decision log's running
 * total of lost records) has grown, with how many were lost since the last warning: records lost
 * silently are an audit gap, but one line per lost record would flood the operational log.
 *
 * @example
 * const warning = warnOfDrops(() => log.dropped, logger);
 * // … later
 * warning.stop();
 */
export function warnOfDrops(readDropped: () => number, logger: Logger, intervalMs = DROP_WARNING_MS): DropWarning {
  let warned = readDropped();
  const check = () => {
    const total = readDropped();
    if (total <= warned) return;
    logger.warn(
      { dropped: total - warned, dropped_total: total },
      `decision log dropped ${total - warned} record(s) since the last warning (destination too slow or failing, or the log worker died)`,
    );
    warned = total;
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      check();
    },
  };
}
