import { EnvoyRequestRejected } from './envoy-rejection.js';
import type { EnvoyHttpRequest } from './request-types.js';
import { parseJsonExact } from '../engine/exact-json.js';

/** OPA-Envoy's `parsed_body` and `truncated_body`. */
export interface EnvoyBody {
  parsed?: unknown;
  truncated: boolean;
}

/** Limits a body is read within (a subset of RequestLimits). */
export interface BodyLimits {
  maxBodyBytes: number;
  maxDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth` (`{}` is depth 1). One pass,
 * no recursion and no allocation, so a body nested 100,000 deep is measured, not parsed: parsing
 * it would build a value that every later walk (the cache key, the policy input) recurses into.
 * Text that is not JSON is measured all the same; the parser refuses it afterwards.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** Parses `query`-style text into every name with all its values (OPA-Envoy's `parsed_query`). */
export function parseQuery(query: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (query === '') return out;
  for (const [k, v] of new URLSearchParams(query)) (out[k] ??= []).push(v);
  return out;
}

function bodyText(http: EnvoyHttpRequest, maxBytes: number): string {
  if (http.body) {
    if (Buffer.byteLength(http.body) > maxBytes) throw new EnvoyRequestRejected('body_too_large', `the body is larger than ${maxBytes} bytes`);
    return http.body;
  }
  if (!http.raw_body) return '';
  // Measured before anything is decoded.
  if (Buffer.byteLength(http.raw_body, 'base64') > maxBytes) {
    throw new EnvoyRequestRejected('body_too_large', `the body is larger than ${maxBytes} bytes`);
  }
  return Buffer.from(http.raw_body, 'base64').toString('utf8');
}

/**
 * The body of an Envoy check as OPA-Envoy reads it: JSON (`application/json`, `application/*+json`)
 * parsed, form data (`application/x-www-form-urlencoded`) as a query, anything else not parsed. A
 * body Envoy cut short (`x-envoy-auth-partial-body: true`, or shorter than its `content-length`) is
 * `truncated` and not parsed. Within limits or rejected: larger than `maxBodyBytes` is
 * `body_too_large` (413), JSON nested deeper than `maxDepth` is `body_too_deep` (400), JSON that
 * does not parse is `malformed` (400); OPA-Envoy fails the whole check on such a body.
 *
 * @throws EnvoyRequestRejected
 * @example
 * parseEnvoyBody({ body: '{"qty": 2}' }, { 'content-type': 'application/json' }, { maxBodyBytes: 1 << 20, maxDepth: 32 })
 * // → { parsed: { qty: 2 }, truncated: false }
 */
export function parseEnvoyBody(http: EnvoyHttpRequest, headers: Record<string, string>, limits: BodyLimits): EnvoyBody {
  const text = bodyText(http, limits.maxBodyBytes);
  const declared = Number(headers['content-length']);
  const truncated = headers['x-envoy-auth-partial-body'] === 'true' || (text !== '' && Number.isSafeInteger(declared) && declared > Buffer.byteLength(text));
  if (text === '' || truncated) return { truncated };
  const type = headers['content-type'] ?? '';
  if (/^application\/(.+\+)?json/i.test(type)) {
    if (jsonNestingExceeds(text, limits.maxDepth)) throw new EnvoyRequestRejected('body_too_deep', `the JSON body is nested deeper than ${limits.maxDepth} levels`);
    try {
      return { parsed: parseJsonExact(text), truncated };
    } catch {
      throw new EnvoyRequestRejected('malformed', 'the JSON body does not parse');
    }
  }
  if (/^application\/x-www-form-urlencoded/i.test(type)) return { parsed: parseQuery(text), truncated };
  return { truncated };
}
