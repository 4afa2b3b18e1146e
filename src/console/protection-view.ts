import type { Registry } from 'prom-client';
import type { Countermeasures } from '../protection/countermeasures.js';
import { callerOf, serviceOf } from './decision-filter.js';
import type { HeldRecord } from './decision-feed.js';

/** A check a countermeasure refused. */
export interface CountermeasureHit {
  decisionId: string;
  time: string;
  kind: 'ban' | 'address' | 'rate_limit';
  caller: string;
  service: string;
  reason: string;
}

/** A ban this replica imposed, in force now. */
export interface BanShown {
  by: string;
  key: string;
  until: string;
}

/** An alert raised recently. */
export interface AlertShown {
  time: string;
  kind: string;
  summary: string;
  /** The alert's labels (what it is about), besides its name. */
  about: Record<string, string>;
  endsAt: string;
}

/** What the protection page shows. */
export interface ProtectionView {
  /** Bans in force now, by what they ban. */
  bansActive: Record<string, number>;
  /** The bans in force now that this replica imposed, newest first. */
  bans: BanShown[];
  /** The latest alerts raised, newest first. */
  alerts: AlertShown[];
  /** Unusual-activity alerts raised since start, by kind (`warden_alerts_total`). */
  alertsRaised: Record<string, number>;
  /** Checks denied by a rate limit since start, by limit (`warden_rate_limited_total`). */
  rateLimited: Record<string, number>;
  /** The most recent countermeasure denials among the decisions held, newest first. */
  recentHits: CountermeasureHit[];
}

const KINDS: Array<[string, CountermeasureHit['kind']]> = [
  ['banned: ', 'ban'],
  ['address denied: ', 'address'],
  ['rate limited: ', 'rate_limit'],
];

async function countsByLabel(registry: Registry, name: string, label: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return {};
  const out: Record<string, number> = {};
  for (const { labels, value } of (await metric.get()).values) out[String(labels[label] ?? '')] = value;
  return out;
}

/** Bans, alerts and rate-limit hits, from the countermeasures, their metrics and the decisions held. */
export async function protectionView(countermeasures: Countermeasures, registry: Registry, held: readonly HeldRecord[], limit = 100): Promise<ProtectionView> {
  const recentHits: CountermeasureHit[] = [];
  for (let i = held.length - 1; i >= 0 && recentHits.length < limit; i--) {
    const { record } = held[i]!;
    if (record.allowed) continue;
    for (const reason of record.reasons) {
      const kind = KINDS.find(([prefix]) => reason.startsWith(prefix))?.[1];
      if (!kind) continue;
      recentHits.push({ decisionId: record.decision_id, time: record.time, kind, caller: callerOf(record), service: serviceOf(record), reason });
      break;
    }
  }
  return {
    bansActive: { ...countermeasures.protection.bansActive() },
    bans: countermeasures.protection.bansInForce(limit).map((b) => ({ by: b.by, key: b.key, until: new Date(b.untilMs).toISOString() })),
    alerts: countermeasures.recentAlerts().slice(0, limit).map((a) => {
      const { alertname: _name, ...about } = a.labels;
      return { time: new Date(a.startsAtMs).toISOString(), kind: a.kind, summary: a.summary, about, endsAt: new Date(a.endsAtMs).toISOString() };
    }),
    alertsRaised: await countsByLabel(registry, 'warden_alerts_total', 'kind'),
    rateLimited: await countsByLabel(registry, 'warden_rate_limited_total', 'limit'),
    recentHits,
  };
}
