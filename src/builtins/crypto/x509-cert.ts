import { createPublicKey, type KeyObject } from 'node:crypto';
import type { RegoObject, RegoValue } from '../value.js';
import { children, expectSequence, integerValue, oidArcs, readTlv, stringValue, timeValue, type Tlv } from './der.js';
import { emptyFacts, parseExtensions, type CertFacts, type SanLists } from './x509-extensions.js';

// Certificates and CSRs decoded into the JSON shape Go's encoding/json gives x509.Certificate and
// x509.CertificateRequest (which is what OPA returns): []byte as base64, nil slices as null,
// big integers as numbers, OIDs as arrays of arcs.

const SIG_ALGS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.3.14.3.2.29': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.3.101.112': 16,
};

/** RSASSA-PSS by hash OID: Go's algorithm and the one salt length it accepts. */
const PSS_BY_HASH: Record<string, [number, number]> = {
  '2.16.840.1.101.3.4.2.1': [13, 32],
  '2.16.840.1.101.3.4.2.2': [14, 48],
  '2.16.840.1.101.3.4.2.3': [15, 64],
};

const MGF1 = '1.2.840.113549.1.1.8';

/** An AlgorithmIdentifier whose parameters are absent or NULL, as Go requires inside PSS parameters. */
function plainAlgorithm(t: Tlv | undefined): string | undefined {
  if (t === undefined) return undefined;
  const [oid, params] = children(t);
  if (oid === undefined || (params !== undefined && !(params.tag === 5 && params.content.length === 0))) return undefined;
  return oidText(oid);
}

/** Go's RSASSA-PSS rules: MGF1 with the message hash, salt as long as the hash, trailer field 1. */
function pssAlgorithm(params: Tlv | undefined): number {
  const fields = new Map<number, Tlv>();
  for (const f of params === undefined ? [] : children(params)) {
    const inner = children(f)[0];
    if (f.cls === 2 && inner !== undefined) fields.set(f.tag, inner);
  }
  const hash = fields.has(0) ? plainAlgorithm(fields.get(0)) : '1.3.14.3.2.26';
  const mgf = fields.get(1);
  const [mgfOid, mgfParams] = mgf === undefined ? [] : children(mgf);
  const mgfHash = mgf === undefined ? '1.3.14.3.2.26' : mgfOid !== undefined && oidText(mgfOid) === MGF1 ? plainAlgorithm(mgfParams) : undefined;
  const salt = fields.has(2) ? Number(integerValue(fields.get(2)!)) : 20;
  const trailer = fields.has(3) ? Number(integerValue(fields.get(3)!)) : 1;
  const known = hash === undefined ? undefined : PSS_BY_HASH[hash];
  if (known === undefined || mgfHash !== hash || trailer !== 1 || salt !== known[1]) return 0;
  return known[0];
}

const PUBLIC_KEY_ALGS: Record<string, number> = {
  '1.2.840.113549.1.1.1': 1,
  '1.2.840.10040.4.1': 2,
  '1.2.840.10045.2.1': 3,
  '1.3.101.112': 4,
};

const NAME_FIELDS: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

function b64(b: Buffer): string {
  return b.toString('base64');
}

function num(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function bufInt(b: Buffer): number | bigint {
  return num(b.length === 0 ? 0n : BigInt('0x' + b.toString('hex')));
}

function oidText(t: Tlv): string {
  return oidArcs(t).join('.');
}

/** pkix.Name from an RDNSequence. */
export function parseName(t: Tlv): RegoObject {
  const fields: Record<string, string[]> = {};
  let cn = '';
  let serial = '';
  const names: RegoValue[] = [];
  for (const rdn of children(t)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (type === undefined || value === undefined) continue;
      const oid = oidText(type);
      const v = stringValue(value);
      names.push({ Type: oidArcs(type), Value: v });
      if (oid === '2.5.4.3') cn = v;
      else if (oid === '2.5.4.5') serial = v;
      else if (NAME_FIELDS[oid] !== undefined) (fields[NAME_FIELDS[oid]] ??= []).push(v);
    }
  }
  const out: RegoObject = {};
  for (const f of ['Country', 'Organization', 'OrganizationalUnit', 'Locality', 'Province', 'StreetAddress', 'PostalCode']) {
    out[f] = fields[f] ?? null;
  }
  out.SerialNumber = serial;
  out.CommonName = cn;
  out.Names = names;
  out.ExtraNames = null;
  return out;
}

function signatureAlgorithm(algId: Tlv): number {
  const [oid, params] = children(algId);
  if (oid === undefined) return 0;
  const o = oidText(oid);
  if (o === '1.2.840.113549.1.1.10') {
    try {
      return pssAlgorithm(params);
    } catch {
      return 0;
    }
  }
  return SIG_ALGS[o] ?? 0;
}

function jwkInt(s: unknown): number | bigint {
  return typeof s === 'string' ? bufInt(Buffer.from(s, 'base64url')) : 0;
}

/** The public key as Go marshals rsa/ecdsa/ed25519 public keys. */
function publicKeyJson(spki: Buffer, alg: number): RegoValue {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  if (alg === 4) {
    const jwk = key.export({ format: 'jwk' });
    return typeof jwk.x === 'string' ? b64(Buffer.from(jwk.x, 'base64url')) : null;
  }
  if (alg === 1 || alg === 3) {
    const jwk = key.export({ format: 'jwk' });
    if (alg === 1) return { N: jwkInt(jwk.n), E: jwkInt(jwk.e) };
    return { Curve: {}, X: jwkInt(jwk.x), Y: jwkInt(jwk.y) };
  }
  return null;
}

function parseUrl(s: string): RegoObject {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s);
  const authority = m?.[2] ?? '';
  const at = authority.lastIndexOf('@');
  return {
    Scheme: (m?.[1] ?? '').toLowerCase(),
    Opaque: '',
    User: null,
    Host: at >= 0 ? authority.slice(at + 1) : authority,
    Path: decodeURIComponentSafe(m?.[3] ?? ''),
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: m?.[4] ?? '',
    Fragment: decodeURIComponentSafe(m?.[5] ?? ''),
    RawFragment: '',
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function baseFields(): RegoObject {
  return {
    KeyUsage: 0,
    Extensions: null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    Policies: null,
  };
}

function sanFields(out: RegoObject, san: SanLists): void {
  out.DNSNames = san.DNSNames;
  out.EmailAddresses = san.EmailAddresses;
  out.IPAddresses = san.IPAddresses;
  out.URIs = san.URIs === null ? null : san.URIs.map(parseUrl);
}

/** A parsed certificate: the Go-shaped JSON plus what chain verification needs. */
export interface ParsedCert {
  readonly der: Buffer;
  readonly json: RegoObject;
  readonly rawSubject: Buffer;
  readonly rawIssuer: Buffer;
  readonly rawSpki: Buffer;
  readonly uris: string[] | null;
  readonly facts: CertFacts;
  /** The subject public key where Go parses one (x509.Certificate.PublicKey non-nil). */
  readonly publicKey: KeyObject | undefined;
}

const GO_CURVES = new Set(['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1']);

/** The public key as Go's parsePublicKey sees it; records Go's parse errors in `facts`. */
function goPublicKey(spki: Buffer, alg: number, facts: CertFacts): KeyObject | undefined {
  if (alg === 0) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    facts.parseError ??= 'x509: invalid public key';
    return undefined;
  }
  if (alg === 3 && !GO_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) {
    facts.parseError ??= 'x509: unsupported elliptic curve';
    return undefined;
  }
  return key;
}

/** x509.ParseCertificate (one DER certificate) in Go's JSON shape, with OPA's URIStrings. */
export function parseCertificate(der: Buffer): ParsedCert {
  const cert = expectSequence(readTlv(der).tlv);
  const tbsTlv = cert[0]!;
  const tbs = expectSequence(tbsTlv);
  let i = 0;
  let version = 1;
  if (tbs[0]!.cls === 2 && tbs[0]!.tag === 0) {
    version = Number(integerValue(children(tbs[0]!)[0]!)) + 1;
    i++;
  }
  const serial = tbs[i++]!;
  const innerSigAlg = tbs[i++]!;
  const issuer = tbs[i++]!;
  const validity = children(tbs[i++]!);
  const subject = tbs[i++]!;
  const spki = tbs[i++]!;
  let extList: Tlv[] | undefined;
  for (; i < tbs.length; i++) {
    const t = tbs[i]!;
    // Go reads extensions of version 3 certificates only.
    if (t.cls === 2 && t.tag === 3 && version === 3) extList = children(children(t)[0]!);
  }
  const facts = emptyFacts();
  if (version < 1 || version > 3) facts.parseError = 'x509: invalid version';
  if (!innerSigAlg.raw.equals(cert[1]!.raw)) facts.parseError ??= "x509: inner and outer signature algorithm identifiers don't match";
  if (integerValue(serial) < 0n) facts.parseError ??= 'x509: negative serial number';
  const pkAlgOid = children(children(spki)[0]!)[0]!;
  const pkAlg = PUBLIC_KEY_ALGS[oidText(pkAlgOid)] ?? 0;
  const sigBits = cert[2]!.content.subarray(1);
  const out: RegoObject = {
    Raw: b64(der.subarray(0, readTlv(der).next)),
    RawTBSCertificate: b64(tbsTlv.raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    RawIssuer: b64(issuer.raw),
    Signature: b64(sigBits),
    SignatureAlgorithm: signatureAlgorithm(cert[1]!),
    PublicKeyAlgorithm: pkAlg,
    PublicKey: publicKeyJson(spki.raw, pkAlg),
    Version: version,
    SerialNumber: num(integerValue(serial)),
    Issuer: parseName(issuer),
    Subject: parseName(subject),
    NotBefore: timeValue(validity[0]!),
    NotAfter: timeValue(validity[1]!),
    ...baseFields(),
  };
  const san: SanLists = { DNSNames: null, EmailAddresses: null, IPAddresses: null, URIs: null };
  parseExtensions(extList, out, san, facts);
  sanFields(out, san);
  out.URIStrings = san.URIs;
  return {
    der: der.subarray(0, readTlv(der).next),
    json: out,
    rawSubject: subject.raw,
    rawIssuer: issuer.raw,
    rawSpki: spki.raw,
    uris: san.URIs,
    facts,
    publicKey: goPublicKey(spki.raw, pkAlg, facts),
  };
}

/** x509.ParseCertificates: concatenated DER certificates. */
export function parseCertificates(der: Buffer): ParsedCert[] {
  const out: ParsedCert[] = [];
  let off = 0;
  while (off < der.length) {
    const { next } = readTlv(der, off);
    out.push(parseCertificate(der.subarray(off, next)));
    off = next;
  }
  return out;
}

/** x509.ParseCertificateRequest in Go's JSON shape. */
export function parseCertificateRequest(der: Buffer): RegoObject {
  const { tlv, next } = readTlv(der);
  if (next !== der.length) throw new Error('x509: trailing data after X.509 Certificate Request');
  const csr = expectSequence(tlv);
  const infoTlv = csr[0]!;
  const info = expectSequence(infoTlv);
  const subject = info[1]!;
  const spki = info[2]!;
  const pkAlg = PUBLIC_KEY_ALGS[oidText(children(children(spki)[0]!)[0]!)] ?? 0;
  const out: RegoObject = {
    Raw: b64(der),
    RawTBSCertificateRequest: b64(infoTlv.raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    Version: Number(integerValue(info[0]!)),
    Signature: b64(csr[2]!.content.subarray(1)),
    SignatureAlgorithm: signatureAlgorithm(csr[1]!),
    PublicKeyAlgorithm: pkAlg,
    PublicKey: publicKeyJson(spki.raw, pkAlg),
    Subject: parseName(subject),
    Attributes: null,
    Extensions: null,
    ExtraExtensions: null,
  };
  const san: SanLists = { DNSNames: null, EmailAddresses: null, IPAddresses: null, URIs: null };
  const attrs = info[3];
  if (attrs !== undefined && attrs.cls === 2 && attrs.tag === 0) {
    for (const attr of children(attrs)) {
      const [type, values] = children(attr);
      if (type === undefined || values === undefined || oidText(type) !== '1.2.840.113549.1.9.14') continue;
      const extSeq = children(values)[0];
      if (extSeq === undefined) continue;
      const scratch: RegoObject = {};
      parseExtensions(children(extSeq), scratch, san);
      out.Extensions = scratch.Extensions ?? null;
    }
  }
  sanFields(out, san);
  return out;
}
