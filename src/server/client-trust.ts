import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/**
 * The client CA certificates a server trusts now, and a generation number that grows with every
 * rotation, so a connection verified under an older generation is known to need re-verifying.
 */
export class ClientTrust {
  private cas: readonly X509Certificate[];
  private fingerprints: Set<string>;
  private gen = 0;
  private readonly listeners = new Set<() => void>();

  constructor(cas: readonly X509Certificate[]) {
    this.cas = cas;
    this.fingerprints = new Set(cas.map((c) => c.fingerprint256));
  }

  /** Bumped on every change of the CA set. */
  get generation(): number {
    return this.gen;
  }

  /**
   * Replaces the CA set; when it differs from the current one, bumps the generation and tells the
   * listeners (which close the connections that no longer chain).
   *
   * @returns whether the set changed
   */
  replace(cas: readonly X509Certificate[]): boolean {
    const fingerprints = new Set(cas.map((c) => c.fingerprint256));
    if (fingerprints.size === this.fingerprints.size && [...fingerprints].every((f) => this.fingerprints.has(f))) return false;
    this.cas = cas;
    this.fingerprints = fingerprints;
    this.gen++;
    for (const listener of this.listeners) listener();
    return true;
  }

  /** Calls `listener` after every change of the CA set; returns the function that stops it. */
  onRotate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Whether a chain the handshake verified (leaf first) still ends in a trusted CA: one of its
   * certificates is a trusted CA, or was signed by one. The links of the chain were checked by
   * the handshake, so only its anchor is looked at again.
   */
  anchors(chain: readonly X509Certificate[]): boolean {
    for (const cert of chain) {
      if (this.fingerprints.has(cert.fingerprint256)) return true;
      for (const ca of this.cas) {
        if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return true;
      }
    }
    return false;
  }
}

/**
 * The chain of the verified peer certificate of `socket`, leaf first (OpenSSL's verified chain,
 * so it includes the trusted root); empty when the peer sent none.
 */
export function peerChain(socket: Pick<TLSSocket, 'getPeerCertificate'>): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<object>();
  while (cert?.raw && !seen.has(cert) && chain.length < 16) {
    seen.add(cert);
    chain.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}
