/** A monitor on a fake clock and an in-memory store, with its log lines and alert counts at hand. */
import { pino } from 'pino';
import type { ActivityEvent } from '../../../src/protection/activity.js';
import { ActivityMonitor, type ActivityMonitorOptions } from '../../../src/protection/alerts/activity-monitor.js';
import type { AlertKind } from '../../../src/protection/alerts/alert.js';
import { parseAlertsConfig } from '../../../src/protection/alerts/config.js';
import { MemoryStore } from '../../../src/protection/memory-store.js';
import type { ProtectionStore } from '../../../src/protection/store.js';

export interface Watched {
  monitor: ActivityMonitor;
  clock: { ms: number };
  /** Operational log lines, parsed. */
  lines: Record<string, unknown>[];
  /** Lines that are alerts. */
  alerts(): Record<string, unknown>[];
  /** Kinds passed to `onAlert`, in order. */
  counted: AlertKind[];
  store: ProtectionStore;
}

/** A monitor for the `alerts:` section `raw` (parsed as the server will), its clock starting at `startMs`. */
export function watch(raw: unknown, extra: Partial<ActivityMonitorOptions> = {}, startMs = 1_000_000): Watched {
  const clock = { ms: startMs };
  const lines: Record<string, unknown>[] = [];
  const counted: AlertKind[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const store = extra.store ?? new MemoryStore();
  const monitor = new ActivityMonitor({ config: parseAlertsConfig(raw), store, logger, now: () => clock.ms, onAlert: (kind) => counted.push(kind), ...extra });
  return { monitor, clock, lines, counted, store, alerts: () => lines.filter((l) => l['alert'] !== undefined) };
}

/** An answered check at the clock's time: allowed unless `deniedBy` is given. */
export function event(clock: { ms: number }, fields: Partial<ActivityEvent> = {}): ActivityEvent {
  const base: ActivityEvent = { atMs: clock.ms, subject: 'spiffe://example.org/ns/shop/sa/web', requester: 'spiffe://example.org/ns/shop/sa/web', service: 'payments', address: '10.0.0.1', allowed: true };
  const merged = { ...base, ...fields };
  if (fields.deniedBy !== undefined && fields.allowed === undefined) merged.allowed = false;
  return merged;
}

/** The same store answering with promises, as a store across the network would. */
export function remote(store: ProtectionStore): ProtectionStore {
  return {
    take: async (...args) => store.take(...args),
    count: async (...args) => store.count(...args),
    distinct: async (...args) => store.distinct(...args),
    mark: async (...args) => store.mark(...args),
    unmark: async (...args) => store.unmark(...args),
    marked: async (...args) => store.marked(...args),
    get evictions() {
      return store.evictions;
    },
  };
}
