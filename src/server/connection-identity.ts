import type { ServerUnaryCall } from '@grpc/grpc-js';
import { identityFromCertificate, type Identity } from '../identity/index.js';
import { peerIp } from './authz-input.js';
import { canonicalCopy } from '../engine/index.js';

/** The caller's verified identity and address, fixed for the life of one connection. */
export interface ConnectionIdentity {
  /** With keys in sorted order (see buildAuthzInput). */
  requester: Identity;
  sourceIp: string;
  /** Everything about the connection a policy input can depend on, as text (see requestKey). */
  key: string;
}

/**
 * grpc-js builds the peer certificate object anew on every call (`getAuthContext` parses it each
 * time), which costs more than deciding a cached check. A TLS connection's peer never changes
 * (HTTP/2 forbids renegotiation), so the identity is worked out once per HTTP/2 session. The
 * session is reached through grpc-js internals (pinned by package-lock); when they are not there,
 * every call is identified on its own, as before.
 */
const bySession = new WeakMap<object, ConnectionIdentity>();

function sessionOf(call: ServerUnaryCall<unknown, unknown>): object | undefined {
  let layer = (call as unknown as { call?: unknown }).call;
  for (let depth = 0; depth < 8 && typeof layer === 'object' && layer !== null; depth++) {
    const session = (layer as { stream?: { session?: unknown } }).stream?.session;
    if (typeof session === 'object' && session !== null) return session;
    layer = (layer as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

/**
 * The requester of `call`, from its verified client certificate.
 *
 * @throws Error when there is no usable certificate (the caller is then unauthenticated)
 */
export function connectionIdentity(call: ServerUnaryCall<unknown, unknown>): ConnectionIdentity {
  const session = sessionOf(call);
  const known = session && bySession.get(session);
  if (known) return known;
  const cert = call.getAuthContext?.()?.sslPeerCertificate;
  const requester = canonicalCopy(identityFromCertificate(cert));
  const sourceIp = peerIp(call.getPeer());
  const identity: ConnectionIdentity = { requester, sourceIp, key: JSON.stringify([requester, sourceIp]) };
  if (session) bySession.set(session, identity);
  return identity;
}

/**
 * The key of a request on a connection: its bytes, with everything about the connection that its
 * policy input depends on. Equal keys mean equal inputs.
 */
export function requestKey(connection: ConnectionIdentity, bytes: Buffer): string {
  return `${connection.key}\0${bytes.toString('latin1')}`;
}
