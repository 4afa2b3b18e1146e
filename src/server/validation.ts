import { parseSpiffeId, IdentityError } from '../identity/index.js';
import type { RequestLimits } from './config.js';
import type { AuthzCheckBatchRequest, AuthzCheckRequest, EnvoyCheckRequest } from './request-types.js';
import { ServiceError } from './service-error.js';

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
    if (s.spiffe_id !== undefined && s.token !== undefined) throw invalid(`${field}subject sets both spiffe_id and token`);
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

/**
 * Checks an Envoy `CheckRequest`: attributes with an HTTP request and method, headers within bounds.
 *
 * @throws ServiceError `invalid_argument`
 */
export function validateEnvoyCheck(req: EnvoyCheckRequest, limits: RequestLimits): void {
  const http = req.attributes?.request?.http;
  if (!http) throw invalid('attributes.request.http is required');
  checkString(http.method, 'attributes.request.http.method', limits.maxNameLength, true);
  checkString(http.path, 'attributes.request.http.path', limits.maxValueLength);
  checkString(http.host, 'attributes.request.http.host', limits.maxNameLength);
  const headerCount = Object.keys(http.headers ?? {}).length + (http.header_map?.headers?.length ?? 0);
  if (headerCount > limits.maxEntries) throw invalid(`attributes.request.http has more than ${limits.maxEntries} headers`);
  for (const k of Object.keys(http.headers ?? {})) {
    if (k.length > limits.maxNameLength) throw invalid(`attributes.request.http.headers has a name longer than ${limits.maxNameLength} characters`);
  }
  for (const p of [req.attributes?.source?.principal, req.attributes?.destination?.principal]) checkString(p, 'attributes principal', limits.maxValueLength);
}
