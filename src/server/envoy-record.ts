import type { DecisionApi, DecisionRecord } from '../audit/index.js';
import type { DecisionOutcome } from '../engine/index.js';
import { decisionTime } from './decision-time.js';
import type { EnvoyInput } from './envoy-input.js';

/**
 * The decision record of a check decided on an Envoy-shaped input (Envoy's gRPC checks, the
 * proxies' HTTP sub-requests): who, what, from where, the HTTP request, and the outcome.
 */
export function envoyInputRecord(api: DecisionApi, input: EnvoyInput, outcome: DecisionOutcome, decisionId: string, latency: number, allowed = outcome.decision.allow): DecisionRecord {
  return {
    decision_id: decisionId,
    time: decisionTime(),
    api,
    requester: input.requester,
    subject: input.subject ?? null,
    action: input.action,
    resource: input.resource,
    context: input.context,
    source: input.source,
    http: input.http,
    allowed,
    reasons: outcome.decision.reasons,
    revision: outcome.revision,
    cached: outcome.cached,
    latency,
  };
}
