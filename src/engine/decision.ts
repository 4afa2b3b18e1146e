import { decisionLimits, type PolicyLimit } from './decision-limits.js';

/** Why a decision is a deny that the policy did not choose. Such decisions are never cached. */
export type DecisionFailure = 'undefined' | 'error' | 'invalid_shape';

/** Envoy response details an OPA-Envoy-style decision may set. */
export interface EnvoyDecisionDetails {
  /** Headers added to the upstream request (allowed) or to the denial (denied). */
  headers?: Record<string, string | string[]>;
  response_headers_to_add?: Record<string, string | string[]>;
  request_headers_to_remove?: string[];
  body?: string;
  http_status?: number;
}

/** Which countermeasure turned a call away: the address deny list, a ban, or a rate limit. */
export type RefusalKind = 'address' | 'ban' | 'rate_limit';

/** A decision as the service uses it. */
export interface Decision {
  allow: boolean;
  reasons: string[];
  /** Set when the policy did not produce a usable decision; the decision is then a deny. */
  failure?: DecisionFailure;
  envoy?: EnvoyDecisionDetails;
  /** Rate limits the policy asks to be enforced when it allows (`"limits"`); absent when none. */
  limits?: PolicyLimit[];
  /** Set when a countermeasure turned the call away (never cached). */
  refusedBy?: RefusalKind;
  /** When a refused call may be retried, in ms (rate limits and bans). */
  retryAfterMs?: number;
  /** The document's value, for the `document` shape (OPA's REST API); absent when undefined. */
  result?: unknown;
}

/** `decision` with the limits of `value` (a decision object), or a deny saying why they are malformed. */
function withLimits(decision: Decision, value: Record<string, unknown>, entrypoint: string): Decision {
  if (value.limits === undefined) return decision;
  const limits = decisionLimits(value.limits);
  if (typeof limits === 'string') return failedDecision('invalid_shape', `decision ${entrypoint}: ${limits}`);
  return limits.length > 0 ? { ...decision, limits } : decision;
}

/**
 * Which decision shapes an entrypoint may return: `authz` and `envoy` are decisions; `document` is
 * any value, kept as it is (OPA's REST API answers it).
 */
export type DecisionShape = 'authz' | 'envoy' | 'document';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object with keys ${JSON.stringify(Object.keys(v as object).slice(0, 8))}`;
  return `a ${typeof v}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isHeaderMap(v: unknown): v is Record<string, string | string[]> {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string' || isStringArray(x));
}

/** A deny produced by the service itself (fail closed), with the reason saying which failure. */
export function failedDecision(failure: DecisionFailure, reason: string): Decision {
  return { allow: false, reasons: [reason], failure };
}

/**
 * A document counts as a deny (in logs, metrics and for the watchers) when it says no: `false`, or
 * an object whose `allow` or `allowed` is `false`. Any other value is an answer, counted as an allow.
 */
function documentDecision(value: unknown): Decision {
  const saysNo = value === false || (isObject(value) && (value.allow === false || value.allowed === false));
  return { allow: !saysNo, reasons: saysNo ? ['the document says no'] : [], result: value };
}

function authzShape(value: unknown, entrypoint: string): Decision {
  if (!isObject(value) || typeof value.allow !== 'boolean' || !isStringArray(value.reasons)) {
    return failedDecision('invalid_shape', `decision ${entrypoint} must be {"allow": boolean, "reasons": [string]}, got ${describe(value)}`);
  }
  return withLimits({ allow: value.allow, reasons: value.reasons }, value, entrypoint);
}

function opaEnvoyShape(value: Record<string, unknown>, entrypoint: string): Decision {
  const bad = (what: string) => failedDecision('invalid_shape', `decision ${entrypoint}: ${what}`);
  if (typeof value.allowed !== 'boolean') return bad('"allowed" must be a boolean');
  const envoy: EnvoyDecisionDetails = {};
  if (value.headers !== undefined) {
    if (!isHeaderMap(value.headers)) return bad('"headers" must map names to strings or arrays of strings');
    envoy.headers = value.headers;
  }
  if (value.response_headers_to_add !== undefined) {
    if (!isHeaderMap(value.response_headers_to_add)) return bad('"response_headers_to_add" must map names to strings or arrays of strings');
    envoy.response_headers_to_add = value.response_headers_to_add;
  }
  if (value.request_headers_to_remove !== undefined) {
    if (!isStringArray(value.request_headers_to_remove)) return bad('"request_headers_to_remove" must be an array of strings');
    envoy.request_headers_to_remove = value.request_headers_to_remove;
  }
  if (value.body !== undefined) {
    if (typeof value.body !== 'string') return bad('"body" must be a string');
    envoy.body = value.body;
  }
  if (value.http_status !== undefined) {
    const s = value.http_status;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 100 || s > 599) return bad('"http_status" must be an integer HTTP status');
    envoy.http_status = s;
  }
  let reasons: string[] = [];
  if (value.reasons !== undefined) {
    if (!isStringArray(value.reasons)) return bad('"reasons" must be an array of strings');
    reasons = value.reasons;
  }
  if (!value.allowed && reasons.length === 0) reasons = [`denied by ${entrypoint}`];
  return withLimits({ allow: value.allowed, reasons, envoy }, value, entrypoint);
}

/**
 * Interprets an entrypoint's result set (`[{"result": …}]`, or `[]` when undefined). `document` keeps
 * any value as `result` (see documentDecision). `authz` accepts
 * only `{allow: boolean, reasons: [string]}`; `envoy` also accepts a boolean and OPA-Envoy's object
 * (`allowed`, `headers`, `response_headers_to_add`, `request_headers_to_remove`, `body`,
 * `http_status`). Anything else is a deny whose reason says what was wrong.
 *
 * @example
 * interpretResultSet([{ result: { allow: true, reasons: [] } }], 'warden/authz/decision', 'authz')
 * // → { allow: true, reasons: [] }
 */
export function interpretResultSet(resultSet: unknown, entrypoint: string, shape: DecisionShape): Decision {
  if (!Array.isArray(resultSet)) return failedDecision('error', `policy evaluation of ${entrypoint} returned ${describe(resultSet)}, not a result set`);
  if (resultSet.length === 0) return failedDecision('undefined', `decision ${entrypoint} is undefined`);
  if (resultSet.length > 1) return failedDecision('invalid_shape', `decision ${entrypoint} has ${resultSet.length} results, expected one`);
  const row: unknown = resultSet[0];
  if (!isObject(row) || !('result' in row)) return failedDecision('undefined', `decision ${entrypoint} is undefined`);
  const value = row.result;
  if (shape === 'document') return documentDecision(value);
  if (shape === 'authz') return authzShape(value, entrypoint);
  if (typeof value === 'boolean') return { allow: value, reasons: value ? [] : [`denied by ${entrypoint}`] };
  if (isObject(value) && 'allowed' in value) return opaEnvoyShape(value, entrypoint);
  if (isObject(value) && 'allow' in value) return authzShape(value, entrypoint);
  return failedDecision('invalid_shape', `decision ${entrypoint} must be a boolean, {"allow": boolean, "reasons": [string]} or OPA-Envoy's {"allowed": boolean, ...}, got ${describe(value)}`);
}
