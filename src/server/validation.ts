import { parseSpiffeId, IdentityError } from '../identity/index.js';
import type { RequestLimits } from './config.js';
import { EnvoyRequestRejected } from './envoy-rejection.js';
import type { AuthzCheckBatchRequest, AuthzCheckRequest, EnvoyCheckRequest } from './request-types.js';
import { ServiceError } from './errors.js';

function invalid(message: string): ServiceError {
  return new ServiceError('invalid_argument', message);
}

function checkString(value: unknown, field: string, max: number, required = false): void {
  if (value === undefined || value === null) {
    if (required) throw invalid(`${field} is required`);
    return;
  }
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  if (required && value === '') throw invalid(`${field} is required`);
  if (value.length > max) throw invalid(`${field} is longer than ${max} characters`);
}

/**
 * Checks one `warden.authz.v1.CheckRequest` against the limits: `action` required; names, paths,
 * attributes and subject within bounds; an asserted `spiffe_id` must be a valid SPIFFE ID.
 * `field` prefixes messages (`checks[3].`) for batches.
 *
 * @throws ServiceError `invalid_argument`
 */
export function validateAuthzCheck(req: AuthzCheckRequest, limits: RequestLimits, field = ''): void {
  checkString(req.action, `${field}action`, limits.maxNameLength, true);
  const r = req.resource;
  if (r) {
    checkString(r.service, `${field}resource.service`, limits.maxNameLength);
    checkString(r.path, `${field}resource.path`, limits.maxValueLength);
    const attrs = Object.entries(r.attributes ?? {});
    if (attrs.length > limits.maxEntries) throw invalid(`${field}resource.attributes has more than ${limits.maxEntries} entries`);
    for (const [k, v] of attrs) {
      if (k.length > limits.maxNameLength) throw invalid(`${field}resource.attributes has a key longer than ${limits.maxNameLength} characters`);
      checkString(v, `${field}resource.attributes[${JSON.stringify(k)}]`, limits.maxValueLength);
    }
  }
  const s = req.subject;
  if (s) {
    const kinds = (['spiffe_id', 'token', 'api_key'] as const).filter((k) => s[k] !== undefined);
    if (kinds.length > 1) throw invalid(`${field}subject sets ${kinds.join(' and ')}: give one`);
    if (s.spiffe_id !== undefined) {
      checkString(s.spiffe_id, `${field}subject.spiffe_id`, limits.maxValueLength);
      try {
        parseSpiffeId(s.spiffe_id);
      } catch (e) {
        if (e instanceof IdentityError) throw invalid(`${field}subject.spiffe_id: ${e.message}`);
        throw e;
      }
    }
    if (s.token !== undefined) checkString(s.token, `${field}subject.token`, limits.maxTokenLength);
    if (s.api_key !== undefined) checkString(s.api_key, `${field}subject.api_key`, limits.maxValueLength);
  }
}

/**
 * Checks a `CheckBatchRequest`: at least one check, at most `maxBatchChecks` (more is
 * RESOURCE_EXHAUSTED), each valid on its own.
 *
 * @throws ServiceError `invalid_argument` or `resource_exhausted`
 */
export function validateAuthzBatch(req: AuthzCheckBatchRequest, limits: RequestLimits): void {
  const checks = req.checks ?? [];
  if (checks.length === 0) throw invalid('checks is empty');
  if (checks.length > limits.maxBatchChecks) throw new ServiceError('resource_exhausted', `a batch holds at most ${limits.maxBatchChecks} checks, got ${checks.length}`);
  checks.forEach((c, i) => validateAuthzCheck(c, limits, `checks[${i}].`));
}

function tooLong(value: string | undefined, max: number): boolean {
  return value !== undefined && value.length > max;
}

function checkHeader(nameLength: number, valueLength: number, limits: RequestLimits): void {
  if (nameLength > limits.maxNameLength) throw new EnvoyRequestRejected('header_too_large', `a header name is longer than ${limits.maxNameLength} characters`);
  if (valueLength > limits.maxValueLength) throw new EnvoyRequestRejected('header_too_large', `a header value is longer than ${limits.maxValueLength} characters`);
}

/**
 * Checks an Envoy `CheckRequest`. What the downstream HTTP client controls (method, path, host,
 * headers) is rejected with the reason and HTTP status that fit: a path over `maxValueLength` is
 * `path_too_long` (414); a host or header name over `maxNameLength`, a header value over
 * `maxValueLength` or more than `maxEntries` headers is `header_too_large` (431); a missing or
 * overlong method is `malformed` (400). A request without `attributes.request.http`, or with a
 * principal over `maxValueLength`, is the proxy's `bad_check_request` (403). The body is checked
 * where it is parsed (see parseEnvoyBody).
 *
 * @throws EnvoyRequestRejected
 */
export function validateEnvoyCheck(req: EnvoyCheckRequest, limits: RequestLimits): void {
  const http = req.attributes?.request?.http;
  if (!http) throw new EnvoyRequestRejected('bad_check_request', 'attributes.request.http is required');
  for (const p of [req.attributes?.source?.principal, req.attributes?.destination?.principal]) {
    if (tooLong(p, limits.maxValueLength)) throw new EnvoyRequestRejected('bad_check_request', `a principal is longer than ${limits.maxValueLength} characters`);
  }
  if (!http.method) throw new EnvoyRequestRejected('malformed', 'the HTTP method is missing');
  if (tooLong(http.method, limits.maxNameLength)) throw new EnvoyRequestRejected('malformed', `the HTTP method is longer than ${limits.maxNameLength} characters`);
  if (tooLong(http.path, limits.maxValueLength)) throw new EnvoyRequestRejected('path_too_long', `the path is longer than ${limits.maxValueLength} characters`);
  if (tooLong(http.host, limits.maxNameLength)) throw new EnvoyRequestRejected('header_too_large', `the host is longer than ${limits.maxNameLength} characters`);
  const headerCount = Object.keys(http.headers ?? {}).length + (http.header_map?.headers?.length ?? 0);
  if (headerCount > limits.maxEntries) throw new EnvoyRequestRejected('header_too_large', `more than ${limits.maxEntries} headers`);
  for (const [name, value] of Object.entries(http.headers ?? {})) checkHeader(name.length, value.length, limits);
  // raw_value is base64, measured without decoding it.
  for (const h of http.header_map?.headers ?? []) checkHeader(h.key?.length ?? 0, h.value?.length ?? Buffer.byteLength(h.raw_value ?? '', 'base64'), limits);
}
