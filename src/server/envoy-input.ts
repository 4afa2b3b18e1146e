import { parseSpiffeId, type Identity } from '../identity/index.js';
import { parseEnvoyBody, parseQuery, type BodyLimits } from './envoy-body.js';
import { attributeContextToJson } from './proto-json.js';
import type { EnvoyAttributeContext, EnvoyHttpRequest } from './request-types.js';

/** The policy input of an Envoy ext_authz check (documented in docs/policy-input.md). */
export interface EnvoyInput {
  requester: Identity;
  subject?: Identity;
  action: string;
  resource: { service: string; path: string; attributes: Record<string, string> };
  context: Record<string, string>;
  source: { ip: string };
  http: { method: string; path: string; host: string; headers: Record<string, string> };
  /** OPA-Envoy compatible fields. */
  attributes: unknown;
  parsed_path: string[];
  parsed_query: Record<string, string[]>;
  parsed_body?: unknown;
  truncated_body: boolean;
  version: { encoding: 'protojson'; ext_authz: 'v3' };
}

/** Envoy's headers: the `headers` map, or `header_map` (raw headers) joined per name as HTTP does. */
export function envoyHeaders(http: EnvoyHttpRequest): Record<string, string> {
  const out: Record<string, string> = { ...(http.headers ?? {}) };
  for (const h of http.header_map?.headers ?? []) {
    if (!h.key) continue;
    const key = h.key.toLowerCase();
    const value = h.value ?? (h.raw_value ? Buffer.from(h.raw_value, 'base64').toString('utf8') : '');
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** OPA-Envoy's `parsed_path`: the path without its query, split on `/`, each segment unescaped. */
export function parsePath(pathOnly: string): string[] {
  return pathOnly.replace(/^\/+/, '').split('/').map(decodeSegment);
}

/** The identity Envoy names in a peer's `principal` (a SPIFFE ID, or kept as it is), vouched for by the requester. */
export function peerIdentity(principal: string | undefined): Identity | undefined {
  if (!principal) return undefined;
  try {
    return { ...parseSpiffeId(principal), authenticated_by: 'requester' };
  } catch {
    return { id: principal, authenticated_by: 'requester' };
  }
}

/** Who a check is about when the caller says so itself rather than through Envoy's principals (the HTTP door). */
export interface CheckParties {
  /** The caller; absent when there is none. */
  subject?: Identity;
  /** The callee's service name. */
  service: string;
}

/**
 * Builds `input` for an Envoy check. The sidecar that asks is `requester` (its mTLS identity); the
 * caller Envoy authenticated (`source.principal`) is `subject`; the HTTP method is `action`; the
 * destination principal's service account is `resource.service`. OPA-Envoy's `attributes`,
 * `parsed_path`, `parsed_query`, `parsed_body` and `truncated_body` are included so its policies
 * run unchanged. The body is read within `limits` (see parseEnvoyBody); the rest of the request is
 * expected to have passed validateEnvoyCheck. The HTTP door builds its input here too, from the
 * attributes it reads off the proxy's headers, naming the subject and the callee in `parties`
 * instead of principals.
 *
 * @throws EnvoyRequestRejected for a body too large, nested too deep or not parsing as JSON
 */
export function buildEnvoyInput(attrs: EnvoyAttributeContext, requester: Identity, limits: BodyLimits, parties?: CheckParties): EnvoyInput {
  const http = attrs.request?.http ?? {};
  const headers = envoyHeaders(http);
  const fullPath = http.path ?? '';
  const q = fullPath.indexOf('?');
  const pathOnly = (q < 0 ? fullPath : fullPath.slice(0, q)).split('#')[0]!;
  const query = q < 0 ? '' : fullPath.slice(q + 1).split('#')[0]!;
  const subject = parties ? parties.subject : peerIdentity(attrs.source?.principal);
  const service = parties ? parties.service : (peerIdentity(attrs.destination?.principal)?.service_account ?? '');
  const body = parseEnvoyBody(http, headers, limits);
  const input: EnvoyInput = {
    requester,
    action: http.method ?? '',
    resource: {
      service,
      path: pathOnly,
      attributes: { ...(attrs.destination?.labels ?? {}) },
    },
    context: { ...(attrs.context_extensions ?? {}) },
    source: { ip: attrs.source?.address?.socket_address?.address ?? '' },
    http: { method: http.method ?? '', path: fullPath, host: http.host ?? '', headers },
    attributes: attributeContextToJson(attrs),
    parsed_path: parsePath(pathOnly),
    parsed_query: parseQuery(query),
    truncated_body: body.truncated,
    version: { encoding: 'protojson', ext_authz: 'v3' },
  };
  if (subject) input.subject = subject;
  if (body.parsed !== undefined) input.parsed_body = body.parsed;
  return input;
}
