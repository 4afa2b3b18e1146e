import type { RegoObject, RegoValue } from '../value.js';
import { children, integerValue, oidArcs, readTlv, type Tlv } from './der.js';
import { formatIp } from './ip-address.js';

// X.509 v3 extensions and the x509.Certificate fields Go derives from them.

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

function parseGeneralNames(value: Buffer, into: SanLists): void {
  const seq = readTlv(value).tlv;
  for (const gn of children(seq)) {
    if (gn.cls !== 2) continue;
    if (gn.tag === 1) (into.EmailAddresses ??= []).push(gn.content.toString('latin1'));
    else if (gn.tag === 2) (into.DNSNames ??= []).push(gn.content.toString('latin1'));
    else if (gn.tag === 6) (into.URIs ??= []).push(gn.content.toString('latin1'));
    else if (gn.tag === 7) {
      const c = gn.content;
      const text =
        c.length === 4 ? formatIp(4, BigInt('0x' + c.toString('hex'))) : c.length === 16 ? formatIp(6, BigInt('0x' + c.toString('hex'))) : '';
      (into.IPAddresses ??= []).push(text);
    }
  }
}

const HANDLED_EXTENSIONS = new Set([
  '2.5.29.15', '2.5.29.19', '2.5.29.17', '2.5.29.37', '2.5.29.14', '2.5.29.35', '1.3.6.1.5.5.7.1.1', '2.5.29.31', '2.5.29.32', '2.5.29.30',
]);

/** Extensions, and the certificate fields they set. */
export function parseExtensions(list: Tlv[] | undefined, out: RegoObject, san: SanLists): void {
  if (list === undefined) return;
  const exts: RegoValue[] = [];
  const unhandled: RegoValue[] = [];
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
    if (critical && !HANDLED_EXTENSIONS.has(id)) unhandled.push(oidArcs(oid));
    try {
      applyExtension(id, value.content, out, san);
    } catch {
      // A malformed extension leaves its fields unset rather than failing the whole parse.
    }
  }
  out.Extensions = exts;
  out.UnhandledCriticalExtensions = unhandled.length > 0 ? unhandled : null;
}

function applyExtension(id: string, v: Buffer, out: RegoObject, san: SanLists): void {
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
      parseGeneralNames(v, san);
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
        if (oid === undefined) continue;
        ids.push(oidArcs(oid));
        texts.push(oidText(oid));
      }
      out.PolicyIdentifiers = ids;
      out.Policies = texts;
      break;
    }
  }
}
