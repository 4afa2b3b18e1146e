import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { IdentityError } from './errors.js';
import type { Identity, SpiffeId } from './types.js';

const MAX_ID_BYTES = 2048;
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

function invalid(text: string, why: string): IdentityError {
  return new IdentityError('identity_invalid_spiffe_id', `invalid SPIFFE ID ${JSON.stringify(text.slice(0, 200))}: ${why}`);
}

/**
 * Parses a SPIFFE ID following the SPIFFE ID specification: lower-case scheme and trust domain,
 * no port, user info, query or fragment, and path segments that are neither empty nor dot segments.
 * `/ns/<namespace>/sa/<service-account>` paths also fill `namespace` and `service_account`.
 *
 * @example
 * parseSpiffeId('spiffe://example.org/ns/shop/sa/orders')
 * // → { id: 'spiffe://example.org/ns/shop/sa/orders', trust_domain: 'example.org', namespace: 'shop', service_account: 'orders' }
 * @throws IdentityError `identity_invalid_spiffe_id`
 */
export function parseSpiffeId(text: string): SpiffeId {
  if (Buffer.byteLength(text) > MAX_ID_BYTES) throw invalid(text, `longer than ${MAX_ID_BYTES} bytes`);
  if (!text.startsWith('spiffe://')) throw invalid(text, 'scheme must be "spiffe://"');
  const rest = text.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (trustDomain === '') throw invalid(text, 'trust domain is empty');
  if (!TRUST_DOMAIN.test(trustDomain)) throw invalid(text, 'trust domain may hold only a-z, 0-9, ".", "-" and "_"');
  const id: SpiffeId = { id: text, trust_domain: trustDomain };
  if (path === '') return id;
  const segments = path.slice(1).split('/');
  for (const s of segments) {
    if (s === '') throw invalid(text, 'path has an empty segment or a trailing slash');
    if (s === '.' || s === '..') throw invalid(text, 'path has a dot segment');
    if (!SEGMENT.test(s)) throw invalid(text, 'path segments may hold only A-Z, a-z, 0-9, ".", "-" and "_"');
  }
  if (segments.length === 4 && segments[0] === 'ns' && segments[2] === 'sa') {
    id.namespace = segments[1];
    id.service_account = segments[3];
  }
  return id;
}

/** Splits Node's `subjectAltName` text (`DNS:a, URI:spiffe://…`) into its URI entries. */
function uriSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const out: string[] = [];
  // Node quotes a value as a JSON string when it holds a comma or quote, so split on ", " outside quotes.
  const entries = subjectAltName.match(/[A-Za-z ]+:(?:"(?:[^"\\]|\\.)*"|[^,]*)/g) ?? [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry.startsWith('URI:')) continue;
    let value = entry.slice(4);
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    out.push(value);
  }
  return out;
}

/**
 * The SPIFFE identity of a verified peer certificate: the one `spiffe://` URI SAN of an X.509-SVID,
 * which must be a leaf (a certificate with `CA:TRUE` is refused). The certificate must already be
 * verified against the trust bundle (the TLS handshake does that).
 *
 * @example
 * const requester = identityFromCertificate(call.getAuthContext().sslPeerCertificate);
 * @throws IdentityError `identity_missing_certificate`, `identity_ca_certificate`, `identity_no_spiffe_id`,
 *   `identity_multiple_spiffe_ids` or `identity_invalid_spiffe_id`
 */
export function identityFromCertificate(cert: PeerCertificate | X509Certificate | undefined | null): Identity {
  if (!cert || (!(cert instanceof X509Certificate) && (!cert.raw || Object.keys(cert).length === 0))) {
    throw new IdentityError('identity_missing_certificate', 'the peer presented no client certificate');
  }
  let san: string | undefined;
  let isCa: boolean | undefined;
  if (cert instanceof X509Certificate) {
    san = cert.subjectAltName;
    isCa = cert.ca;
  } else {
    const parsed = cert.subjectaltname === undefined || cert.ca === undefined ? new X509Certificate(cert.raw) : undefined;
    san = cert.subjectaltname ?? parsed?.subjectAltName;
    isCa = cert.ca ?? parsed?.ca;
  }
  // An X.509-SVID that may sign certificates is not a workload's identity (X.509-SVID spec, 4.1).
  if (isCa !== false) throw new IdentityError('identity_ca_certificate', 'the client certificate is a CA certificate (CA:TRUE); an X.509-SVID must be a leaf');
  const spiffe = uriSans(san).filter((u) => u.toLowerCase().startsWith('spiffe:'));
  if (spiffe.length === 0) throw new IdentityError('identity_no_spiffe_id', 'the client certificate has no spiffe:// URI SAN');
  if (spiffe.length > 1) throw new IdentityError('identity_multiple_spiffe_ids', 'the client certificate has more than one spiffe:// URI SAN');
  return { ...parseSpiffeId(spiffe[0]!), authenticated_by: 'mtls' };
}

/** An identity asserted by the requester (a sidecar or the callee), not verified by Warden itself. */
export function assertedIdentity(spiffeId: string): Identity {
  return { ...parseSpiffeId(spiffeId), authenticated_by: 'requester' };
}
