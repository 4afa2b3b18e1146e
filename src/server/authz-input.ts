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
 *
 * @example
 * buildAuthzInput(req, requester, requester, '10.0.0.7')
 * // → { requester, subject: requester, action: 'orders.read', resource: { service: 'orders', path: '', attributes: {} }, context: {}, source: { ip: '10.0.0.7' } }
 */
export function buildAuthzInput(req: AuthzCheckRequest, requester: Identity, subject: Identity, sourceIp: string, maxDepth: number): AuthzInput {
  // Keys in sorted order at every level Warden builds, so that the decision cache's canonical key
  // is V8's own JSON (see canonicalJson).
  return {
    action: req.action ?? '',
    context: structToJson(req.context as Parameters<typeof structToJson>[0], maxDepth),
    requester: withSortedKeys(requester),
    resource: {
      attributes: sortedCopy(req.resource?.attributes ?? {}),
      path: req.resource?.path ?? '',
      service: req.resource?.service ?? '',
    },
    source: { ip: sourceIp },
    subject: withSortedKeys(subject),
  };
}

function sortedCopy<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

const sortedCopies = new WeakMap<object, object>();

/** A copy with its own keys in sorted order (memoised: identities live as long as connections). */
function withSortedKeys<T extends object>(value: T): T {
  let copy = sortedCopies.get(value) as T | undefined;
  if (!copy) {
    copy = sortedCopy(value);
    sortedCopies.set(value, copy);
  }
  return copy;
}
