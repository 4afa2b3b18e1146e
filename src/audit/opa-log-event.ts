import { wardenVersion } from '../warden-version.js';
import type { DecisionRecord } from './decision-log.js';
import type { InstanceLabels } from './instance-labels.js';

/**
 * One decision as OPA's decision-log service receives it (OPA's `EventV1`): `decision_id`,
 * `labels`, `path`, `input`, `result`, `revision`, `timestamp` and `metrics`, plus Warden's own
 * `warden` member (API and whether the cache answered), which OPA's collectors ignore.
 */
export interface OpaLogEvent {
  decision_id: string;
  labels: { app: 'warden'; version: string; id: string } & Record<string, string>;
  path: string;
  input: unknown;
  result: unknown;
  revision: string;
  timestamp: string;
  metrics: { timer_server_handler_ns: number };
  warden: { api: string; cached: boolean };
}

/**
 * OPA's event for a (redacted) Warden decision record. Records from OPA's REST API keep the path,
 * input and result they were asked for; the others get `decisionPath` and Warden's policy input
 * and decision (`{allow, reasons}`), as the policy saw and answered them. `labels` name the instance.
 */
export function opaLogEvent(record: DecisionRecord, decisionPath: string, labels: InstanceLabels): OpaLogEvent {
  const input =
    record.input !== undefined
      ? record.input
      : dropUndefined({
          requester: record.requester,
          subject: record.subject,
          action: record.action,
          resource: record.resource,
          context: record.context,
          source: record.source,
          http: record.http,
        });
  const result = record.path !== undefined ? record.result : { allow: record.allowed, reasons: record.reasons };
  return {
    decision_id: record.decision_id,
    labels: { ...labels, app: 'warden', version: wardenVersion() },
    path: record.path ?? decisionPath,
    input,
    result,
    revision: record.revision,
    timestamp: record.time,
    metrics: { timer_server_handler_ns: Math.round(record.latency * 1e6) },
    warden: { api: record.api, cached: record.cached },
  };
}

function dropUndefined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}
