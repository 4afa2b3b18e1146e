import type { RegoObject, RegoValue } from '../value.js';
import { children, integerValue, oidArcs, readTlv, type Tlv } from './der.js';
import { formatIp } from '../net/ip-address.js';
import { nameConstraintFields, parseNameConstraints, reverseLabels, uriHost, X509Rejection, type GeneralName, type NameConstraints } from './x509-name-constraints.js';

// X.509 v3 extensions and the x509.Certificate fields Go derives from them (parser.go, processExtensions).

export const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

function b64(b: Buffer): string {
  return b.toString('base64');
}

function oidText(t: Tlv): string {
  return oidArcs(t).join('.');
}

export interface SanLists {
  DNSNames: string[] | null;
  EmailAddresses: string[] | null;
  IPAddresses: string[] | null;
  URIs: string[] | null;
}

const isIa5 = (b: Buffer): boolean => b.every((c) => c < 0x80);

/** Go's forEachSAN + parseSANExtension: the names, and the raw entries name constraints are checked on. */
function parseGeneralNames(value: Buffer, into: SanLists, facts: CertFacts): void {
  const seq = readTlv(value).tlv;
  if (seq.cls !== 0 || seq.tag !== 16) throw new X509Rejection('x509: invalid subject alternative names');
  const entries: GeneralName[] = [];
  for (const gn of children(seq)) {
    if (gn.cls !== 2 || gn.constructed) continue;
    entries.push({ tag: gn.tag, data: gn.content });
    if ((gn.tag === 1 || gn.tag === 2 || gn.tag === 6) && !isIa5(gn.content)) {
      throw new X509Rejection('x509: SAN is malformed');
    }
    if (gn.tag === 1) (into.EmailAddresses ??= []).push(gn.content.toString('latin1'));
    else if (gn.tag === 2) (into.DNSNames ??= []).push(gn.content.toString('latin1'));
    else if (gn.tag === 6) {
      const uri = gn.content.toString('latin1');
      const host = uriHost(uri);
      if (host === undefined) throw new X509Rejection(`x509: cannot parse URI "${uri}"`);
      if (host.length > 0 && reverseLabels(host) === undefined) {
        throw new X509Rejection(`x509: cannot parse URI "${uri}": invalid domain`);
      }
      (into.URIs ??= []).push(uri);
    } else if (gn.tag === 7) {
      const c = gn.content;
      if (c.length !== 4 && c.length !== 16) throw new X509Rejection(`x509: cannot parse IP address of length ${c.length}`);
      (into.IPAddresses ??= []).push(formatIp(c.length === 4 ? 4 : 6, BigInt('0x' + c.toString('hex'))));
    }
  }
  facts.sans = entries;
}

/** What chain verification needs beyond the JSON fields, as Go's x509.Certificate holds it. */
export interface CertFacts {
  /** Why Go's x509.ParseCertificate refuses the certificate; undefined when Go accepts it. */
  parseError: string | undefined;
  /** The subjectAltName extension's names; undefined without the extension. */
  sans: GeneralName[] | undefined;
  /** The nameConstraints extension; undefined without it. */
  nameConstraints: NameConstraints | undefined;
  /** Certificate policy OIDs, dotted. */
  policies: string[];
  /** Policy mappings as [issuerDomainPolicy, subjectDomainPolicy], dotted. */
  policyMappings: Array<[string, string]>;
  /** Policy constraints and inhibitAnyPolicy; undefined when absent. */
  requireExplicitPolicy: number | undefined;
  inhibitPolicyMapping: number | undefined;
  inhibitAnyPolicy: number | undefined;
}

/** The facts of a certificate without extensions. */
export function emptyFacts(): CertFacts {
  return {
    parseError: undefined,
    sans: undefined,
    nameConstraints: undefined,
    policies: [],
    policyMappings: [],
    requireExplicitPolicy: undefined,
    inhibitPolicyMapping: undefined,
    inhibitAnyPolicy: undefined,
  };
}

const AIA = '1.3.6.1.5.5.7.1.1';

/** The extensions Go's parser reads; any other critical extension is unhandled. */
const GO_PARSES = new Set([15, 19, 17, 30, 31, 35, 36, 37, 14, 32, 33, 54].map((n) => `2.5.29.${n}`).concat(AIA));

/**
 * Extensions, and the certificate fields they set. Which critical extensions count as unhandled, and
 * which extensions make Go's parser refuse the certificate (`facts.parseError`), follow Go's processExtensions.
 */
export function parseExtensions(list: Tlv[] | undefined, out: RegoObject, san: SanLists, facts: CertFacts = emptyFacts()): void {
  if (list === undefined) return;
  const exts: RegoValue[] = [];
  const unhandled: RegoValue[] = [];
  const seen = new Set<string>();
  const reject = (msg: string): void => {
    facts.parseError ??= msg;
  };
  for (const ext of list) {
    const parts = children(ext);
    const oid = parts[0]!;
    let critical = false;
    let value = parts[1]!;
    if (value.tag === 1) {
      critical = value.content[0] !== 0;
      value = parts[2]!;
    }
    const id = oidText(oid);
    exts.push({ Id: oidArcs(oid), Critical: critical, Value: b64(value.content) });
    if (seen.has(id)) reject('x509: certificate contains duplicate extensions');
    seen.add(id);
    if (critical && (id === '2.5.29.14' || id === AIA)) reject(`x509: extension ${id} incorrectly marked critical`);
    let handled = true;
    try {
      handled = applyExtension(id, value.content, out, san, facts, critical);
    } catch (e) {
      // Go's parser refuses the certificate; parse_certificates still shows the fields it could read.
      reject(e instanceof X509Rejection ? e.message : `x509: invalid extension ${id}`);
    }
    if (critical && !handled) unhandled.push(oidArcs(oid));
  }
  out.Extensions = exts;
  out.UnhandledCriticalExtensions = unhandled.length > 0 ? unhandled : null;
}

function optionalInt(t: Tlv): number {
  return Number(integerValue(t));
}

/** Applies one extension; returns whether Go handles it (a critical extension it does not handle is refused). */
function applyExtension(id: string, v: Buffer, out: RegoObject, san: SanLists, facts: CertFacts, critical: boolean): boolean {
  if (!GO_PARSES.has(id)) return false;
  const t = readTlv(v).tlv;
  switch (id) {
    case '2.5.29.15': {
      const bits = t.content.subarray(1);
      let usage = 0;
      for (let i = 0; i < 9; i++) if ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) usage |= 1 << i;
      out.KeyUsage = usage;
      break;
    }
    case '2.5.29.19': {
      const parts = children(t);
      let isCA = false;
      let maxPathLen = -1;
      for (const p of parts) {
        if (p.tag === 1 && p.content.length !== 1) throw new X509Rejection('x509: invalid basic constraints');
        if (p.tag === 1) isCA = p.content[0] !== 0;
        else if (p.tag === 2) maxPathLen = Number(integerValue(p));
      }
      out.BasicConstraintsValid = true;
      out.IsCA = isCA;
      out.MaxPathLen = maxPathLen;
      out.MaxPathLenZero = maxPathLen === 0;
      break;
    }
    case '2.5.29.17':
      parseGeneralNames(v, san, facts);
      // A SAN with no name Go understands is handled only if not critical.
      return san.DNSNames !== null || san.EmailAddresses !== null || san.IPAddresses !== null || san.URIs !== null;
    case '2.5.29.30': {
      const nc = parseNameConstraints(v);
      facts.nameConstraints = nc;
      Object.assign(out, nameConstraintFields(nc, critical));
      return !nc.unhandled;
    }
    case '2.5.29.33':
      for (const m of children(t)) {
        const [issuer, subject] = children(m);
        if (issuer?.tag !== 6 || subject?.tag !== 6) throw new X509Rejection('x509: invalid policy mappings extension');
        facts.policyMappings.push([oidText(issuer), oidText(subject)]);
      }
      break;
    case '2.5.29.36':
      for (const p of children(t)) {
        if (p.cls !== 2 || p.constructed) throw new X509Rejection('x509: invalid policy constraints extension');
        if (p.tag === 0) facts.requireExplicitPolicy = optionalInt(p);
        else if (p.tag === 1) facts.inhibitPolicyMapping = optionalInt(p);
      }
      break;
    case '2.5.29.54':
      if (t.tag !== 2) throw new X509Rejection('x509: invalid inhibit any policy extension');
      facts.inhibitAnyPolicy = optionalInt(t);
      break;
    case '2.5.29.37': {
      const known: RegoValue[] = [];
      const unknown: RegoValue[] = [];
      for (const o of children(t)) {
        const k = EXT_KEY_USAGES[oidText(o)];
        if (k === undefined) unknown.push(oidArcs(o));
        else known.push(k);
      }
      out.ExtKeyUsage = known.length > 0 ? known : null;
      out.UnknownExtKeyUsage = unknown.length > 0 ? unknown : null;
      break;
    }
    case '2.5.29.14':
      out.SubjectKeyId = b64(t.content);
      break;
    case '2.5.29.35':
      for (const p of children(t)) if (p.cls === 2 && p.tag === 0) out.AuthorityKeyId = b64(p.content);
      break;
    case '1.3.6.1.5.5.7.1.1':
      for (const ad of children(t)) {
        const [method, loc] = children(ad);
        if (method === undefined || loc === undefined || loc.cls !== 2 || loc.tag !== 6) continue;
        const m = oidText(method);
        const url = loc.content.toString('latin1');
        if (m === '1.3.6.1.5.5.7.48.1') out.OCSPServer = [...((out.OCSPServer as string[] | null) ?? []), url];
        else if (m === '1.3.6.1.5.5.7.48.2') {
          out.IssuingCertificateURL = [...((out.IssuingCertificateURL as string[] | null) ?? []), url];
        }
      }
      break;
    case '2.5.29.31':
      for (const dp of children(t)) {
        for (const field of children(dp)) {
          if (field.cls !== 2 || field.tag !== 0) continue;
          for (const name of children(field)) {
            if (name.cls !== 2 || name.tag !== 0) continue;
            for (const gn of children(name)) {
              if (gn.cls === 2 && gn.tag === 6) {
                out.CRLDistributionPoints = [...((out.CRLDistributionPoints as string[] | null) ?? []), gn.content.toString('latin1')];
              }
            }
          }
        }
      }
      break;
    case '2.5.29.32': {
      const ids: RegoValue[] = [];
      const texts: RegoValue[] = [];
      for (const pi of children(t)) {
        const oid = children(pi)[0];
        if (oid === undefined || oid.tag !== 6 || facts.policies.includes(oidText(oid))) {
          throw new X509Rejection('x509: invalid certificate policies');
        }
        ids.push(oidArcs(oid));
        texts.push(oidText(oid));
        facts.policies.push(oidText(oid));
      }
      out.PolicyIdentifiers = ids;
      out.Policies = texts;
      break;
    }
    default:
      return false;
  }
  return true;
}
