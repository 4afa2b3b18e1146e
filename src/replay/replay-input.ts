import { REDACTED, type DecisionRecord } from '../audit/index.js';
import type { DecisionShape } from '../engine/index.js';
import { parseQuery } from '../server/envoy-body.js';
import { parsePath } from '../server/envoy-input.js';

/** The entrypoints the live service decided with (`warden serve --decision`, `--envoy-decision`). */
export interface ReplayEntrypoints {
  decision: string;
  envoyDecision: string;
}

/** A record's policy input rebuilt as the live decision saw it, or why that cannot be done. */
export type RebuiltInput =
  | {
      replayable: true;
      input: Record<string, unknown>;
      entrypoint: string;
      shape: DecisionShape;
      /** Envoy and HTTP records: OPA-Envoy's `attributes` and the parsed body are not logged, so they are absent. */
      partial: boolean;
    }
  | { replayable: false; reason: string };

/** Members of a record that are about the decision, not its input. */
const RECORD_FIELDS = new Set(['log', 'decision_id', 'time', 'api', 'allowed', 'reasons', 'revision', 'cached', 'latency', 'path', 'input', 'result']);

/** Reasons of denies a countermeasure gave, not the policy (see src/protection). */
const COUNTERMEASURE = /^(banned: |address denied: |rate limited: )/;

/** True when a countermeasure (a ban, the address deny list, a rate limit) refused the call, not the policy alone. */
export function refusedByCountermeasure(record: DecisionRecord): boolean {
  return !record.allowed && record.reasons.some((r) => COUNTERMEASURE.test(r));
}

/** Markers redaction leaves (src/audit/redact.ts): the value under them is gone. */
const REDACTION_MARKERS = [REDACTED, '[TRUNCATED]'];

/** The dotted path of the first redacted value in `value`, if any. */
export function redactedAt(value: unknown, path = 'input'): string | undefined {
  if (typeof value === 'string') return REDACTION_MARKERS.some((m) => value.includes(m)) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = redactedAt(value[i], `${path}[${i}]`);
      if (at) return at;
    }
    return undefined;
  }
  for (const [key, member] of Object.entries(value)) {
    if (REDACTION_MARKERS.some((m) => key.includes(m))) return `${path}.${key}`;
    const at = redactedAt(member, `${path}.${key}`);
    if (at) return at;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The input members a Warden door logged: every record member that is not about the decision. */
function loggedInput(record: DecisionRecord): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!RECORD_FIELDS.has(key) && value !== undefined) input[key] = value;
  return input;
}

/** OPA-Envoy's derived members, rebuilt from the logged HTTP path as buildEnvoyInput derives them. */
function envoyMembers(input: Record<string, unknown>): void {
  // The record writes an absent subject as null; the live input had no subject at all.
  if (input.subject === null) delete input.subject;
  const http = isObject(input.http) ? input.http : {};
  const fullPath = typeof http.path === 'string' ? http.path : '';
  const q = fullPath.indexOf('?');
  const pathOnly = (q < 0 ? fullPath : fullPath.slice(0, q)).split('#')[0]!;
  input.parsed_path = parsePath(pathOnly);
  input.parsed_query = parseQuery(q < 0 ? '' : fullPath.slice(q + 1).split('#')[0]!);
  input.version = { encoding: 'protojson', ext_authz: 'v3' };
}

/**
 * Rebuilds the policy input of a logged decision, as the live service built it (see
 * src/server/authz-input.ts, envoy-input.ts and src/audit/opa-log-event.ts). A decision cannot be
 * re-decided faithfully, and is `replayable: false` with the reason, when its input was redacted,
 * when a countermeasure or a refused credential denied it before or after the policy, or when it
 * was denied before its input was built.
 */
export function rebuildInput(record: DecisionRecord, entrypoints: ReplayEntrypoints): RebuiltInput {
  if (refusedByCountermeasure(record)) return { replayable: false, reason: 'refused by a countermeasure (ban, address deny list or rate limit), not by the policy alone' };
  if (record.api === 'opa') {
    if (typeof record.path !== 'string' || record.path === '') return { replayable: false, reason: 'an OPA REST record without the path it asked for' };
    if (record.input === undefined) return { replayable: false, reason: 'an OPA REST record asked without an input' };
    const at = redactedAt(record.input);
    if (at) return { replayable: false, reason: `input redacted at ${at}` };
    return { replayable: true, input: record.input as Record<string, unknown>, entrypoint: record.path.replace(/^\/+|\/+$/g, ''), shape: 'document', partial: false };
  }
  const input = loggedInput(record);
  if (input.action === undefined || input.resource === undefined) return { replayable: false, reason: 'denied before its policy input was built' };
  if (isObject(input.subject) && input.subject.id === '') return { replayable: false, reason: 'a refused credential: denied before the policy ran' };
  const at = redactedAt(input);
  if (at) return { replayable: false, reason: `input redacted at ${at}` };
  if (record.api === 'envoy' || record.api === 'http') {
    envoyMembers(input);
    return { replayable: true, input, entrypoint: entrypoints.envoyDecision, shape: 'envoy', partial: true };
  }
  return { replayable: true, input, entrypoint: entrypoints.decision, shape: 'authz', partial: false };
}
