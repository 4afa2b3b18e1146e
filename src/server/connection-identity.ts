import { X509Certificate } from 'node:crypto';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { ConnectionCloseReason } from '../audit/index.js';
import { identityFromCertificate, IdentityError, type Identity } from '../identity/index.js';
import { peerIp } from './authz-input.js';
import { canonicalCopy } from '../engine/index.js';
import { peerChain, type ClientTrust } from './client-trust.js';
import { certificateTime } from './tls-files.js';

/** The caller's verified identity and address, worked out once per connection and re-checked on every call. */
export interface ConnectionIdentity {
  /** With keys in sorted order (see buildAuthzInput). */
  requester: Identity;
  /** `JSON.stringify(requester)`, made once (see authzInput). */
  requesterJson?: string;
  sourceIp: string;
  /** Everything about the connection a policy input can depend on, as text (see requestKey). */
  key: string;
  /** The client certificate's validity window, in ms since the epoch (NaN when unreadable: never valid). */
  readonly notBefore: number;
  readonly notAfter: number;
  /** The chain the handshake verified, leaf first, to re-anchor after a client CA rotation. */
  readonly chain: readonly X509Certificate[];
  /** The {@link ClientTrust} generation the chain was last found to anchor in. */
  trustGeneration: number;
}

/** Where a connection that fails its re-check is reported. */
export interface ConnectionChecks {
  trust?: ClientTrust;
  onClosed?: (reason: ConnectionCloseReason) => void;
}

/** The HTTP/2 session of a call, as grpc-js holds it (private: pinned by test/server/connection-identity.test.ts). */
export interface Session {
  socket?: unknown;
  close(): void;
}

/**
 * grpc-js builds the peer certificate object anew on every call (`getAuthContext` parses it each
 * time), which costs more than deciding a cached check. A TLS connection's peer never changes
 * (HTTP/2 forbids renegotiation), so the identity is worked out once per HTTP/2 session. The
 * session is reached through grpc-js internals (pinned by package-lock); when they are not there,
 * every call is identified on its own, as before.
 */
const bySession = new WeakMap<object, ConnectionIdentity>();

/**
 * The HTTP/2 session a call came on, reached through grpc-js's private fields (`call.call`,
 * `nextCall`, `stream.session`); `undefined` when they are not there (each call is then identified
 * on its own, from `getAuthContext`).
 */
export function sessionOf(call: ServerUnaryCall<unknown, unknown>): Session | undefined {
  let layer = (call as unknown as { call?: unknown }).call;
  for (let depth = 0; depth < 8 && typeof layer === 'object' && layer !== null; depth++) {
    const session = (layer as { stream?: { session?: unknown } }).stream?.session;
    if (typeof session === 'object' && session !== null) return session as Session;
    layer = (layer as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

function chainOf(session: Session | undefined, raw: Buffer): X509Certificate[] {
  const socket = session?.socket as Parameters<typeof peerChain>[0] | undefined;
  const chain = typeof socket?.getPeerCertificate === 'function' ? peerChain(socket) : [];
  return chain.length > 0 ? chain : [new X509Certificate(raw)];
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'an unreadable date';
}

/**
 * Throws unless the connection's certificate holds at `now`: inside its validity window, and
 * anchored in the client CAs trusted now (re-checked only when `trust` has rotated since the last
 * check, so a call costs two compares).
 *
 * @throws IdentityError `identity_certificate_expired` or `identity_certificate_untrusted`
 */
export function recheckConnection(identity: ConnectionIdentity, trust: ClientTrust | undefined, now: number): void {
  if (!(identity.notBefore <= now && now < identity.notAfter)) {
    throw new IdentityError('identity_certificate_expired', `the client certificate is not valid now (valid from ${iso(identity.notBefore)} to ${iso(identity.notAfter)})`);
  }
  if (trust !== undefined && identity.trustGeneration !== trust.generation) {
    if (!trust.anchors(identity.chain)) throw new IdentityError('identity_certificate_untrusted', 'the client certificate no longer chains to the client CA');
    identity.trustGeneration = trust.generation;
  }
}

/**
 * The requester of `call`, from its verified client certificate, checked again on this call: a
 * certificate that has expired, or that no longer chains to a rotated client CA, fails the call,
 * and its connection is closed so the client reconnects with its current certificate.
 *
 * @example
 * const { requester, sourceIp } = connectionIdentity(call, { trust: tls.trust });
 * @throws IdentityError when there is no usable certificate (the caller is then unauthenticated)
 */
export function connectionIdentity(call: ServerUnaryCall<unknown, unknown>, checks: ConnectionChecks = {}, now = Date.now()): ConnectionIdentity {
  const session = sessionOf(call);
  let identity = session && bySession.get(session);
  if (!identity) {
    const cert = call.getAuthContext?.()?.sslPeerCertificate;
    const requester = canonicalCopy(identityFromCertificate(cert));
    const chain = chainOf(session, cert!.raw);
    const leaf = chain[0]!;
    const sourceIp = peerIp(call.getPeer());
    const requesterJson = JSON.stringify(requester);
    identity = {
      requester,
      requesterJson,
      sourceIp,
      key: `[${requesterJson},${JSON.stringify(sourceIp)}]`,
      notBefore: certificateTime(leaf.validFrom),
      notAfter: certificateTime(leaf.validTo),
      chain,
      // Anchored afresh below: the handshake may predate the CA set trusted now.
      trustGeneration: -1,
    };
    if (session) bySession.set(session, identity);
  }
  try {
    recheckConnection(identity, checks.trust, now);
  } catch (e) {
    if (session) {
      bySession.delete(session);
      session.close();
      checks.onClosed?.((e as IdentityError).code === 'identity_certificate_expired' ? 'certificate_expired' : 'certificate_untrusted');
    }
    throw e;
  }
  return identity;
}

/**
 * The key of a request on a connection: its bytes, with everything about the connection that its
 * policy input depends on. Equal keys mean equal inputs.
 */
export function requestKey(connection: ConnectionIdentity, bytes: Buffer): string {
  return `${connection.key}\0${bytes.toString('latin1')}`;
}
