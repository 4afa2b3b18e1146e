import { canonicalCopy } from '../engine/index.js';
import type { Identity } from '../identity/index.js';
import { structToJson } from './proto-json.js';
import type { AuthzCheckRequest } from './request-types.js';

/** The policy input of a `warden.authz.v1` check (documented in docs/policy-input.md). */
export interface AuthzInput {
  requester: Identity;
  subject: Identity;
  action: string;
  resource: { service: string; path: string; attributes: Record<string, string> };
  context: Record<string, unknown>;
  source: { ip: string };
}

/**
 * The IP in grpc-js's peer text, which is `remoteAddress:remotePort` (`1.2.3.4:5678`, `::1:5678`,
 * `::ffff:1.2.3.4:5678`); IPv4-mapped IPv6 addresses come out as plain IPv4.
 */
export function peerIp(peer: string): string {
  let host = peer;
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']'));
  else if (/:\d+$/.test(host)) host = host.slice(0, host.lastIndexOf(':'));
  if (host.toLowerCase().startsWith('::ffff:') && host.includes('.')) host = host.slice(7);
  return host;
}

/**
 * Builds `input` for one authorizer check: who asks (`requester`), whose call is decided
 * (`subject`), what (`action`, `resource`), and free-form `context`; `source.ip` is the peer's IP.
 * Keys are in sorted order at every level, so `JSON.stringify(input)` is its canonical JSON (the
 * decision cache's key); `requester` is expected in that form already (see connectionIdentity).
 *
 * @example
 * buildAuthzInput(req, requester, requester, '10.0.0.7')
 * // → { action: 'orders.read', context: {}, requester, resource: { attributes: {}, path: '', service: 'orders' }, source: { ip: '10.0.0.7' }, subject: requester }
 */
export function buildAuthzInput(req: AuthzCheckRequest, requester: Identity, subject: Identity, sourceIp: string, maxDepth: number): AuthzInput {
  return {
    action: req.action ?? '',
    context: structToJson(req.context as Parameters<typeof structToJson>[0], maxDepth),
    requester,
    resource: {
      attributes: canonicalCopy(req.resource?.attributes ?? {}),
      path: req.resource?.path ?? '',
      service: req.resource?.service ?? '',
    },
    source: { ip: sourceIp },
    subject: subject === requester ? requester : canonicalCopy(subject),
  };
}

/** Who asks, for {@link authzInput}: `requesterJson` is `JSON.stringify(requester)`, made once per connection. */
export interface InputRequester {
  requester: Identity;
  sourceIp: string;
  requesterJson?: string;
}

/** An authorizer check's input, as a value and as its JSON text. */
export interface AuthzInputParts {
  /** The input; `JSON.stringify(value)` is `json`. */
  value: AuthzInput;
  json: string;
}

/**
 * `buildAuthzInput(req, from.requester, subject, from.sourceIp, maxDepth)` and its JSON, made from
 * its members' JSON: the requester's (and the subject's, when the requester is the subject) is made
 * once per connection rather than on every miss.
 */
export function authzInput(req: AuthzCheckRequest, from: InputRequester, subject: Identity, maxDepth: number): AuthzInputParts {
  const requesterJson = from.requesterJson ?? JSON.stringify(from.requester);
  const subjectValue = subject === from.requester ? from.requester : canonicalCopy(subject);
  const subjectJson = subject === from.requester ? requesterJson : JSON.stringify(subjectValue);
  const context = structToJson(req.context as Parameters<typeof structToJson>[0], maxDepth);
  const { resource } = req;
  const attributes = canonicalCopy(resource?.attributes ?? {});
  const action = req.action ?? '';
  const path = resource?.path ?? '';
  const service = resource?.service ?? '';
  const json = `{"action":${JSON.stringify(action)},"context":${JSON.stringify(context)},"requester":${requesterJson},"resource":{"attributes":${JSON.stringify(attributes)},"path":${JSON.stringify(path)},"service":${JSON.stringify(service)}},"source":{"ip":${JSON.stringify(from.sourceIp)}},"subject":${subjectJson}}`;
  const value: AuthzInput = { action, context, requester: from.requester, resource: { attributes, path, service }, source: { ip: from.sourceIp }, subject: subjectValue };
  return { value, json };
}
