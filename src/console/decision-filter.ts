import type { DecisionRecord } from '../audit/decision-log.js';
import { ConsoleError } from './errors.js';

/** What the live view asks for: each given field must match (substring, case-insensitive). */
export interface DecisionFilter {
  subject?: string;
  service?: string;
  result?: 'allowed' | 'denied';
  reason?: string;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The caller of a decision: the subject's SPIFFE ID, else the requester's. */
export function callerOf(record: DecisionRecord): string {
  const id = field(record.subject, 'id') ?? field(record.requester, 'id');
  return typeof id === 'string' && id !== '' ? id : '(unauthenticated)';
}

/**
 * The service a decision was about: its resource's service, else (an Envoy check without a
 * destination principal) the host asked for, as the live view shows it.
 */
export function serviceOf(record: DecisionRecord): string {
  const service = field(record.resource, 'service');
  if (typeof service === 'string' && service !== '') return service;
  const host = field(record.http, 'host');
  return typeof host === 'string' && host !== '' ? host : '(none)';
}

const FILTER_KEYS = new Set(['subject', 'service', 'result', 'reason']);
const MAX_FILTER_LENGTH = 512;

/**
 * The filter in a query string.
 *
 * @throws ConsoleError `console_bad_request` naming the parameter that is wrong
 */
export function parseDecisionFilter(query: URLSearchParams): DecisionFilter {
  const filter: DecisionFilter = {};
  for (const [key, value] of query) {
    if (!FILTER_KEYS.has(key) || value === '') continue;
    if (value.length > MAX_FILTER_LENGTH) throw new ConsoleError('console_bad_request', `filter ${key} is longer than ${MAX_FILTER_LENGTH} characters`);
    if (key === 'result') {
      if (value !== 'allowed' && value !== 'denied') throw new ConsoleError('console_bad_request', `filter result must be "allowed" or "denied", not ${JSON.stringify(value)}`);
      filter.result = value;
    } else filter[key as 'subject' | 'service' | 'reason'] = value.toLowerCase();
  }
  return filter;
}

/** True when `record` matches every field of `filter`. */
export function matchesFilter(record: DecisionRecord, filter: DecisionFilter): boolean {
  if (filter.result && record.allowed !== (filter.result === 'allowed')) return false;
  if (filter.subject && !callerOf(record).toLowerCase().includes(filter.subject)) return false;
  if (filter.service && !serviceOf(record).toLowerCase().includes(filter.service)) return false;
  if (filter.reason && !record.reasons.some((r) => r.toLowerCase().includes(filter.reason!))) return false;
  return true;
}
