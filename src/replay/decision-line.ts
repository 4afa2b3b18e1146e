import { DECISION_APIS, type DecisionApi, type DecisionRecord } from '../audit/index.js';
import { parseJsonExact } from '../engine/exact-json.js';

/** What one log line holds: a decision record, a line of some other log, or something unreadable. */
export type ParsedLine = { kind: 'record'; record: DecisionRecord; timeMs: number } | { kind: 'other' } | { kind: 'unreadable'; problem: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first field a decision record needs and lacks (or has in the wrong type), if any. */
function missingField(o: Record<string, unknown>): string | undefined {
  if (typeof o.decision_id !== 'string') return 'decision_id (a string)';
  if (typeof o.time !== 'string' || !Number.isFinite(Date.parse(o.time))) return 'time (an RFC 3339 time)';
  if (!DECISION_APIS.includes(o.api as DecisionApi)) return `api (one of ${DECISION_APIS.join(', ')})`;
  if (typeof o.allowed !== 'boolean') return 'allowed (a boolean)';
  if (!Array.isArray(o.reasons) || !o.reasons.every((r) => typeof r === 'string')) return 'reasons (an array of strings)';
  return undefined;
}

/**
 * Reads one line of a decision log. Blank lines and JSON lines of other logs sharing the stream
 * (`"log"` present and not `"decision"`, as on a shared stdout) are `other`; a line that is not
 * JSON, or a decision line missing a field replay needs, is `unreadable` with the reason.
 */
export function parseDecisionLine(text: string): ParsedLine {
  if (text.trim() === '') return { kind: 'other' };
  let value: unknown;
  try {
    // A logged input's numbers are replayed with the digits they were decided with.
    value = parseJsonExact(text);
  } catch (e) {
    return { kind: 'unreadable', problem: `not JSON (${(e as Error).message})` };
  }
  if (!isObject(value)) return { kind: 'unreadable', problem: 'not a JSON object' };
  if (value.log !== undefined && value.log !== 'decision') return { kind: 'other' };
  const missing = missingField(value);
  if (missing) return { kind: 'unreadable', problem: `not a decision record: no ${missing}` };
  return { kind: 'record', record: value as unknown as DecisionRecord, timeMs: Date.parse(value.time as string) };
}
