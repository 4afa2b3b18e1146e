import type { ProtectedCall, Refusal } from './protected-call.js';
import { callKey } from './protected-call.js';
import type { MaybePromise, ProtectionStore } from './store.js';

/** One rule of the config's `autoBan`: `after` denials within `withinMs` ban for `banForMs`. */
export interface AutoBanConfig {
  by: 'source_ip' | 'subject';
  after: number;
  withinMs: number;
  banForMs: number;
}

/** A ban just imposed, for the alert and the log. */
export interface Ban {
  by: AutoBanConfig['by'];
  key: string;
  untilMs: number;
  denials: number;
  withinMs: number;
}

function banKey(by: string, key: string): string {
  return `ban:${by}:${key}`;
}

function banned(by: string, key: string, untilMs: number, nowMs: number): Refusal {
  return {
    kind: 'ban',
    reason: `banned: ${by === 'source_ip' ? 'address' : 'subject'} ${key} until ${new Date(untilMs).toISOString()} (too many denied calls)`,
    retryAfterMs: Math.max(0, untilMs - nowMs),
  };
}

/** The first ban on `call` by any rule that is in force at `nowMs`. */
export function findBan(rules: readonly AutoBanConfig[], call: ProtectedCall, store: ProtectionStore, nowMs: number, start = 0): MaybePromise<Refusal | undefined> {
  for (let i = start; i < rules.length; i++) {
    const rule = rules[i]!;
    const key = callKey(call, rule.by);
    const until = store.marked(banKey(rule.by, key), nowMs);
    if (until instanceof Promise) return until.then((u) => (u !== undefined ? banned(rule.by, key, u, nowMs) : findBan(rules, call, store, nowMs, i + 1)));
    if (until !== undefined) return banned(rule.by, key, until, nowMs);
  }
  return undefined;
}

/**
 * Counts a denied call against every rule; returns the bans it imposes (a rule whose count reaches
 * `after` within its window). Denials while banned are not counted again: the ban is not extended by
 * the calls it turns away.
 */
export async function countDenial(rules: readonly AutoBanConfig[], call: ProtectedCall, store: ProtectionStore, nowMs: number): Promise<Ban[]> {
  const bans: Ban[] = [];
  for (const rule of rules) {
    const key = callKey(call, rule.by);
    const denials = await store.count(`denials:${rule.by}:${key}`, 1, rule.withinMs, nowMs);
    if (denials < rule.after) continue;
    if ((await store.marked(banKey(rule.by, key), nowMs)) !== undefined) continue;
    const untilMs = nowMs + rule.banForMs;
    await store.mark(banKey(rule.by, key), untilMs);
    bans.push({ by: rule.by, key, untilMs, denials, withinMs: rule.withinMs });
  }
  return bans;
}
