/**
 * What an alert is: its kind, what it is about (the labels that make two alerts "the same"), its
 * counts and when it is active — and how it reads in Alertmanager's API v2.
 */
import type { AlertKind } from '../../audit/protection-metrics.js';
import type { Ban } from '../auto-ban.js';

/** The kinds of alerts (the four detectors', and bans): one list, with the metric that counts them. */
export type { AlertKind };

/** `labels.alertname` of each kind in Alertmanager. */
export const ALERT_NAMES: Readonly<Record<AlertKind, string>> = {
  new_edge: 'WardenNewEdge',
  deny_burst: 'WardenDenyBurst',
  rate_spike: 'WardenRateSpike',
  identity_spread: 'WardenIdentitySpread',
  ban: 'WardenBan',
  credential_expiring: 'WardenCredentialExpiring',
  shared_state_unavailable: 'WardenSharedStateUnavailable',
};

type Subject = 'subject' | 'service' | 'address' | 'credential';

/**
 * The fields that say what an alert of each kind is about, and so become its labels: a burst,
 * spike or spread is about one subject (the service and address of the call that tripped it are
 * context, in the log and the summary — as labels they would make one burst many alerts).
 */
const ABOUT: Readonly<Record<AlertKind, readonly Subject[]>> = {
  new_edge: ['subject', 'service'],
  deny_burst: ['subject'],
  rate_spike: ['subject'],
  identity_spread: ['subject'],
  ban: ['subject', 'service', 'address'],
  // One alert per credential (a subject may hold several, as during a rotation).
  credential_expiring: ['subject', 'credential'],
  // About this replica's view of Redis: one alert while it is unreachable.
  shared_state_unavailable: [],
};

/** An alert as a detector or another countermeasure raises it (see `ActivityMonitor.raise`). */
export interface AlertInput {
  kind: AlertKind;
  subject?: string;
  service?: string;
  address?: string;
  /** The credential it is about, `<kind>:<id>` (never a secret: a certificate's fingerprint, a key's id). */
  credential?: string;
  /** The figures behind it (`denials`, `addresses`, `perSecond`, …), logged and summarised. */
  counts?: Record<string, number>;
  /** One line for people; a default one is made from the fields otherwise. */
  summary?: string;
  /** When it stops being active, in ms (a ban's end); default: raised + `resolveAfter`. */
  endsAtMs?: number;
}

/** An alert raised: active from `startsAtMs` to `endsAtMs`. */
export interface Alert {
  kind: AlertKind;
  subject: string;
  service: string;
  address: string;
  credential: string;
  counts: Record<string, number>;
  summary: string;
  labels: Record<string, string>;
  startsAtMs: number;
  endsAtMs: number;
  /** Sent to end the alert early (its `endsAtMs` is when it was resolved): delivered however late. */
  resolved?: true;
}

/** An alert in Alertmanager's API v2 (`postableAlert`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

function defaultSummary(input: AlertInput): string {
  const who = input.subject || input.address || 'unknown';
  const counts = Object.entries(input.counts ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
  const what: Record<AlertKind, string> = {
    new_edge: `${who} called ${input.service ?? ''}, an edge not seen before`,
    deny_burst: `${who} denied in a burst`,
    rate_spike: `${who} calls far over its usual rate`,
    identity_spread: `${who} seen from many addresses`,
    ban: `${who} banned${input.endsAtMs === undefined ? '' : ` until ${new Date(input.endsAtMs).toISOString()}`}`,
    shared_state_unavailable: 'shared state in Redis unavailable: countermeasures fall back to local state',
    credential_expiring: `${who} used ${input.credential ?? 'a credential'}, which expires${input.endsAtMs === undefined ? ' soon' : ` at ${new Date(input.endsAtMs).toISOString()}`}`,
  };
  return counts === '' ? what[input.kind] : `${what[input.kind]} (${counts})`;
}

/**
 * The alert `input` stands for, raised at `nowMs` and active for `activeMs` unless it says when it ends.
 *
 * @example
 * makeAlert({ kind: 'new_edge', subject: 'spiffe://x/a', service: 'payments' }, Date.now(), 300_000);
 */
export function makeAlert(input: AlertInput, nowMs: number, activeMs: number): Alert {
  const alert: Alert = {
    kind: input.kind,
    subject: input.subject ?? '',
    service: input.service ?? '',
    address: input.address ?? '',
    credential: input.credential ?? '',
    counts: input.counts ?? {},
    summary: input.summary ?? defaultSummary(input),
    labels: { alertname: ALERT_NAMES[input.kind] },
    startsAtMs: nowMs,
    endsAtMs: Math.max(nowMs + 1, input.endsAtMs ?? nowMs + activeMs),
  };
  // An empty label is no label to Alertmanager; it is left out so that the identity matches there too.
  for (const field of ABOUT[input.kind]) if (alert[field] !== '') alert.labels[field] = alert[field];
  return alert;
}

/**
 * The alert for a ban the automatic bans just imposed: about the banned address or subject, active
 * until the ban ends.
 *
 * @example
 * new Protection(config, { hooks: { onBan: (ban) => monitor.raise(banAlert(ban)) } });
 */
export function banAlert(ban: Ban): AlertInput {
  const what = ban.by === 'source_ip' ? 'address' : 'subject';
  return {
    kind: 'ban',
    [what]: ban.key,
    counts: { denials: ban.denials, withinMs: ban.withinMs },
    summary: `ban: ${what} ${ban.key} banned until ${new Date(ban.untilMs).toISOString()} after ${ban.denials} denials within ${ban.withinMs / 1000}s`,
    endsAtMs: ban.untilMs,
  };
}

/**
 * A key that two alerts share exactly when their labels would be the same — made from the input,
 * so that a repeat of an active alert is recognised without building the alert.
 */
export function alertKey(input: AlertInput): string {
  let key = input.kind;
  for (const field of ABOUT[input.kind]) key += `\u0000${input[field] ?? ''}`;
  return key;
}

/** The alert as Alertmanager's API v2 takes it: RFC 3339 times, an `endsAt` so it resolves on its own. */
export function toPostableAlert(alert: Alert): PostableAlert {
  const annotations: Record<string, string> = { summary: alert.summary };
  for (const field of ['subject', 'service', 'address', 'credential'] as const) {
    if (alert[field] !== '' && alert.labels[field] === undefined) annotations[field] = alert[field];
  }
  return { labels: alert.labels, annotations, startsAt: new Date(alert.startsAtMs).toISOString(), endsAt: new Date(alert.endsAtMs).toISOString() };
}
