import { X509Certificate } from 'node:crypto';
import { identityFromCertificate, type Identity } from '../../identity/index.js';
import type { ClientTrust } from '../client-trust.js';
import { certificateTime } from '../tls-files.js';
import { HttpRequestError } from './errors.js';

// A proxy that escapes spaces as `+` (form encoding) leaves them in the armour lines; base64's own `+` stays.
const PEM_CERTIFICATE = /-----BEGIN[ +]CERTIFICATE-----([\s\S]*?)-----END[ +]CERTIFICATE-----/;

function bad(where: string, message: string, cause?: unknown): HttpRequestError {
  return new HttpRequestError('http_bad_credential', `${where}: ${message}`, { cause });
}

/**
 * The identity in a URL-escaped client certificate PEM that a proxy forwarded (nginx's
 * `$ssl_client_escaped_cert` in `X-Client-Cert`, the `Cert=` of Envoy's XFCC). Warden checks it
 * itself: a leaf with one `spiffe://` URI SAN, valid at `now`; issued by a CA of `trust` (the
 * server's client CA, as rotated), it is `authenticated_by: "mtls"`; issued by any other CA it is
 * only what the proxy asserts, `"requester"` (the proxy verified it against a CA Warden does not
 * know). Only the leaf is read: a chain through an intermediate CA is not verified here.
 *
 * @example
 * certificateIdentity(req.headers['x-client-cert'], 'X-Client-Cert', trust) // → { id: 'spiffe://…', authenticated_by: 'mtls', … }
 * @throws HttpRequestError `http_bad_credential` naming the header: bad escaping, no PEM, an
 *   unparsable, CA, expired or not yet valid certificate, or no single SPIFFE ID
 */
export function certificateIdentity(escapedPem: string, where: string, trust: ClientTrust | undefined, now = Date.now()): Identity {
  let known = parsed.get(escapedPem);
  if (!known) {
    known = parseCertificate(escapedPem, where);
    // Parsing a certificate costs more than deciding a cached check: each header value is parsed once.
    if (parsed.size >= PARSED_ENTRIES) parsed.delete(parsed.keys().next().value!);
    parsed.set(escapedPem, known);
  }
  const { cert, identity, notBefore, notAfter } = known;
  if (!(notBefore <= now && now < notAfter)) throw bad(where, `the certificate is not valid now (valid from ${cert.validFrom} to ${cert.validTo})`);
  if (trust === undefined) return { ...identity, authenticated_by: 'requester' };
  // Anchoring is looked at again only after a client CA rotation.
  if (known.trustGeneration !== trust.generation || known.trust !== trust) {
    known.anchored = trust.anchors([cert]);
    known.trust = trust;
    known.trustGeneration = trust.generation;
  }
  return known.anchored ? { ...identity } : { ...identity, authenticated_by: 'requester' };
}

/** A forwarded certificate as parsed, and whether it was found anchored in which trust, at which generation. */
interface ParsedCertificate {
  cert: X509Certificate;
  identity: Identity;
  notBefore: number;
  notAfter: number;
  anchored: boolean;
  trust: ClientTrust | undefined;
  trustGeneration: number;
}

/** Certificates parsed, by header value (oldest forgotten first); an unparsable one is not remembered. */
const PARSED_ENTRIES = 1024;
const parsed = new Map<string, ParsedCertificate>();

function parseCertificate(escapedPem: string, where: string): ParsedCertificate {
  let pem: string;
  try {
    pem = decodeURIComponent(escapedPem);
  } catch (e) {
    throw bad(where, 'the certificate is not URL-escaped PEM', e);
  }
  const body = PEM_CERTIFICATE.exec(pem)?.[1]?.replace(/\s+/g, '');
  if (!body) throw bad(where, 'no PEM certificate (-----BEGIN CERTIFICATE-----) in the header');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(`-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
  } catch (e) {
    throw bad(where, `the certificate does not parse: ${(e as Error).message}`, e);
  }
  let identity: Identity;
  try {
    identity = identityFromCertificate(cert);
  } catch (e) {
    throw bad(where, (e as Error).message, e);
  }
  return { cert, identity, notBefore: certificateTime(cert.validFrom), notAfter: certificateTime(cert.validTo), anchored: false, trust: undefined, trustGeneration: -1 };
}
