/**
 * The detectors that count in the protection store: a new caller→service edge, a burst of denials
 * and one identity spread over many addresses. Each is a function of one answered check that
 * returns the alert it calls for, at once with an in-memory store, later with a remote one.
 */
import type { ActivityEvent } from '../activity.js';
import { andThen } from '../maybe-promise.js';
import type { MaybePromise, ProtectionStore } from '../store.js';
import type { AlertInput } from './alert.js';
import type { DenyBurstConfig, IdentitySpreadConfig } from './config.js';

/** Looks at one answered check; says which alert, if any, it calls for. */
export type Detector = (event: ActivityEvent) => MaybePromise<AlertInput | undefined>;

/** Prefix of every store key the alert detectors use, apart from other countermeasures' keys. */
export const ALERT_KEY_PREFIX = 'alert:';

// A learned edge is remembered for good: marks are bounded in the store, which forgets the least
// recently seen edges first, so only an edge unused for long can alert a second time.
const FOREVER = Number.MAX_SAFE_INTEGER;

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * New edges: while learning (until `learningEndsAtMs()`), every caller→service edge allowed is
 * marked as known; after it, an edge not known — allowed or not — alerts once and is then known.
 * Denied calls do not teach: probing during the learning period must not make an edge "usual".
 *
 * @example
 * const detect = newEdgeDetector(store, () => startedAt + config.learnForMs);
 */
export function newEdgeDetector(store: ProtectionStore, learningEndsAtMs: () => number): Detector {
  return (event) => {
    if (event.subject === '' || event.service === '') return undefined;
    const key = `${ALERT_KEY_PREFIX}edge:${event.subject}\u0000${event.service}`;
    return andThen(store.marked(key, event.atMs), (known) => {
      if (known !== undefined) return undefined;
      if (event.atMs < learningEndsAtMs()) {
        return event.allowed ? andThen(store.mark(key, FOREVER), () => undefined) : undefined;
      }
      const alert: AlertInput = {
        kind: 'new_edge',
        subject: event.subject,
        service: event.service,
        address: event.address,
        counts: {},
        summary: `new edge: ${event.subject} → ${event.service} (${event.allowed ? 'allowed' : `denied by ${event.deniedBy ?? 'policy'}`}), not seen before`,
      };
      return andThen(store.mark(key, FOREVER), () => alert);
    });
  };
}

/**
 * Deny bursts: one subject denied (for any reason) `count` times within `withinMs`.
 *
 * @example
 * const detect = denyBurstDetector({ count: 20, withinMs: 60_000 }, store);
 */
export function denyBurstDetector(config: DenyBurstConfig, store: ProtectionStore): Detector {
  return (event) => {
    if (event.allowed || event.subject === '') return undefined;
    return andThen(store.count(`${ALERT_KEY_PREFIX}deny:${event.subject}`, 1, config.withinMs, event.atMs), (denials): AlertInput | undefined =>
      denials < config.count
        ? undefined
        : {
            kind: 'deny_burst',
            subject: event.subject,
            service: event.service,
            address: event.address,
            counts: { denials, withinMs: config.withinMs },
            summary: `deny burst: ${event.subject} denied ${denials} times within ${seconds(config.withinMs)} (last: ${event.service}, ${event.deniedBy ?? 'policy'})`,
          },
    );
  };
}

/**
 * Identity spread: one subject seen from `addresses` distinct source addresses within `withinMs`
 * (a stolen credential used from many places).
 *
 * @example
 * const detect = identitySpreadDetector({ addresses: 5, withinMs: 60_000 }, store);
 */
export function identitySpreadDetector(config: IdentitySpreadConfig, store: ProtectionStore): Detector {
  return (event) => {
    if (event.subject === '' || event.address === '') return undefined;
    return andThen(store.distinct(`${ALERT_KEY_PREFIX}spread:${event.subject}`, event.address, config.withinMs, event.atMs), (addresses): AlertInput | undefined =>
      addresses < config.addresses
        ? undefined
        : {
            kind: 'identity_spread',
            subject: event.subject,
            service: event.service,
            address: event.address,
            counts: { addresses, withinMs: config.withinMs },
            summary: `identity spread: ${event.subject} seen from ${addresses} addresses within ${seconds(config.withinMs)} (last: ${event.address})`,
          },
    );
  };
}
