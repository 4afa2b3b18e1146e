import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { canonicalCopy } from '../engine/index.js';
import { identityFromCertificate, IdentityError, type Identity } from '../identity/index.js';

interface KnownPeer {
  caller: Identity;
  sourceIp: string;
  notBefore: number;
  notAfter: number;
}

/** A TLS connection's peer never changes, so its identity is worked out once per socket. */
const bySocket = new WeakMap<object, KnownPeer>();

/** The address without IPv4-mapped IPv6's `::ffff:` prefix, as the Authorizer's `source.ip` has it. */
function plainIp(address: string | undefined): string {
  if (!address) return '';
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The caller on `socket` from the client certificate its TLS handshake verified, with its
 * validity window checked at `now` on every call.
 *
 * @throws IdentityError when the socket is not TLS, the certificate was not verified (or not sent),
 *   is not valid now, or holds no single `spiffe://` URI SAN
 */
export function tlsPeer(socket: Socket | TLSSocket, now = Date.now()): { caller: Identity; sourceIp: string } {
  let peer = bySocket.get(socket);
  if (!peer) {
    const tls = socket as TLSSocket;
    if (typeof tls.getPeerCertificate !== 'function') throw new IdentityError('identity_missing_certificate', 'the connection is not TLS: a client certificate is required');
    if (!tls.authorized) throw new IdentityError('identity_missing_certificate', `the client certificate was not verified: ${String(tls.authorizationError ?? 'none was sent')}`);
    const cert = tls.getPeerCertificate();
    peer = {
      caller: canonicalCopy(identityFromCertificate(cert)),
      sourceIp: plainIp(socket.remoteAddress),
      notBefore: Date.parse(cert.valid_from),
      notAfter: Date.parse(cert.valid_to),
    };
    bySocket.set(socket, peer);
  }
  if (!(peer.notBefore <= now && now < peer.notAfter)) throw new IdentityError('identity_certificate_expired', 'the client certificate is not valid now');
  return peer;
}
