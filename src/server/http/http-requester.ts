import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { canonicalCopy } from '../../engine/index.js';
import { identityFromCertificate, type Identity } from '../../identity/index.js';
import { peerIp } from '../authz-input.js';
import { peerChain, type ClientTrust } from '../client-trust.js';
import { recheckConnection, type ConnectionIdentity } from '../connection-identity.js';
import { certificateTime } from '../tls-files.js';

/**
 * The requester of every request on a plaintext listener (`httpPlaintext`, loopback only): nothing
 * was verified, so it is no one in particular. Policies should not trust what it asserts.
 */
export const ANONYMOUS_PROXY: Identity = { id: 'anonymous-proxy', authenticated_by: 'requester' };

const bySocket = new WeakMap<Socket, ConnectionIdentity>();

function connectionOf(requester: Identity, sourceIp: string, extra: Pick<ConnectionIdentity, 'notBefore' | 'notAfter' | 'chain'>): ConnectionIdentity {
  return { requester, sourceIp, key: JSON.stringify([requester, sourceIp]), ...extra, trustGeneration: -1 };
}

/**
 * The proxy asking on `socket`: on HTTPS, the identity of the client certificate the handshake
 * verified (worked out once per connection, and checked again on every request: still valid, still
 * anchored in the client CAs of `trust` after a rotation); on plaintext, {@link ANONYMOUS_PROXY}.
 *
 * @example
 * const connection = httpRequester(req.socket, tls.trust);
 * @throws IdentityError when the certificate has no single SPIFFE ID, has expired, or is no longer trusted
 */
export function httpRequester(socket: Socket, trust: ClientTrust | undefined, now = Date.now()): ConnectionIdentity {
  let identity = bySocket.get(socket);
  if (!identity) {
    const sourceIp = peerIp(socket.remoteAddress ?? '');
    const tlsSocket = socket as Partial<TLSSocket>;
    if (tlsSocket.encrypted !== true || typeof tlsSocket.getPeerCertificate !== 'function') {
      identity = connectionOf(ANONYMOUS_PROXY, sourceIp, { notBefore: -Infinity, notAfter: Infinity, chain: [] });
    } else {
      const chain = peerChain(tlsSocket as TLSSocket);
      const leaf = chain[0];
      const requester = canonicalCopy(identityFromCertificate(leaf));
      identity = connectionOf(requester, sourceIp, { notBefore: certificateTime(leaf!.validFrom), notAfter: certificateTime(leaf!.validTo), chain });
    }
    bySocket.set(socket, identity);
  }
  try {
    recheckConnection(identity, trust, now);
  } catch (e) {
    bySocket.delete(socket);
    throw e;
  }
  return identity;
}
