// Provenance: follows Go's src/crypto/x509/parser.go and verify.go; Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import type { RegoObject, RegoValue } from '../value.js';
import { children, readTlv } from './der.js';
import { formatIp, parseIp } from '../net/ip-address.js';
import { parseGoUrl, textOf, UrlError } from '../encoding/go-url.js';

// RFC 5280 name constraints as Go's crypto/x509 parses (parser.go, parseNameConstraintsExtension) and
// enforces them (verify.go: matchDomainConstraint, matchEmailConstraint, matchURIConstraint,
// matchIPConstraint, checkNameConstraints). DirectoryName constraints are not enforced, as in Go.

export interface IpRange {
  readonly ip: Buffer;
  readonly mask: Buffer;
}

export interface NameConstraints {
  readonly permittedDns: string[];
  readonly excludedDns: string[];
  readonly permittedIp: IpRange[];
  readonly excludedIp: IpRange[];
  readonly permittedEmail: string[];
  readonly excludedEmail: string[];
  readonly permittedUri: string[];
  readonly excludedUri: string[];
  /** A subtree of a type Go does not handle (directoryName, otherName, ...). */
  readonly unhandled: boolean;
}

/** A GeneralName from a subjectAltName extension: its context tag and raw bytes. */
export interface GeneralName {
  readonly tag: number;
  readonly data: Buffer;
}

/** An error Go's parser or verifier reports; the certificate or chain is refused. */
export class X509Rejection extends Error {}

const isIa5 = (s: string): boolean => [...s].every((ch) => ch.charCodeAt(0) < 0x80);

/** Go's domainToReverseLabels; undefined where Go reports the domain as unparseable. */
export function reverseLabels(domain: string): string[] | undefined {
  if (domain === '') return [];
  const labels = domain.split('.').reverse();
  for (const label of labels) {
    if (label.length === 0) return undefined;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (c < 33 || c > 126) return undefined;
    }
  }
  return labels;
}

function isValidIpMask(mask: Buffer): boolean {
  let seenZero = false;
  for (const b of mask) {
    if (seenZero) {
      if (b !== 0) return false;
      continue;
    }
    if ([0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe].includes(b)) seenZero = true;
    else if (b !== 0xff) return false;
  }
  return true;
}

interface Subtrees {
  dns: string[];
  ip: IpRange[];
  email: string[];
  uri: string[];
  unhandled: boolean;
}

function parseSubtrees(content: Buffer | undefined): Subtrees {
  const out: Subtrees = { dns: [], ip: [], email: [], uri: [], unhandled: false };
  if (content === undefined) return out;
  let off = 0;
  while (off < content.length) {
    const { tlv: seq, next } = readTlv(content, off);
    off = next;
    const base = seq.cls === 0 && seq.tag === 16 ? children(seq)[0] : undefined;
    if (base === undefined) throw new X509Rejection('x509: invalid NameConstraints extension');
    const value = base.content.toString('latin1');
    const primitive = base.cls === 2 && !base.constructed;
    if (primitive && base.tag === 2) {
      if (!isIa5(value)) throw new X509Rejection('x509: invalid constraint value');
      if (reverseLabels(value.startsWith('.') ? value.slice(1) : value) === undefined) {
        throw new X509Rejection(`x509: failed to parse dnsName constraint "${value}"`);
      }
      out.dns.push(value);
    } else if (primitive && base.tag === 7) {
      const len = base.content.length;
      if (len !== 8 && len !== 32) throw new X509Rejection(`x509: IP constraint contained value of length ${len}`);
      const ip = Buffer.from(base.content.subarray(0, len / 2));
      const mask = Buffer.from(base.content.subarray(len / 2));
      if (!isValidIpMask(mask)) throw new X509Rejection('x509: IP constraint contained invalid mask');
      out.ip.push({ ip, mask });
    } else if (primitive && base.tag === 1) {
      if (!isIa5(value)) throw new X509Rejection('x509: invalid constraint value');
      const ok = value.includes('@')
        ? parseMailbox(value) !== undefined
        : reverseLabels(value.startsWith('.') ? value.slice(1) : value) !== undefined;
      if (!ok) throw new X509Rejection(`x509: failed to parse rfc822Name constraint "${value}"`);
      out.email.push(value);
    } else if (primitive && base.tag === 6) {
      if (!isIa5(value)) throw new X509Rejection('x509: invalid constraint value');
      if (parseIp(value) !== undefined) throw new X509Rejection(`x509: failed to parse URI constraint "${value}": cannot be IP address`);
      if (reverseLabels(value.startsWith('.') ? value.slice(1) : value) === undefined) {
        throw new X509Rejection(`x509: failed to parse URI constraint "${value}"`);
      }
      out.uri.push(value);
    } else {
      out.unhandled = true;
    }
  }
  return out;
}

/** The nameConstraints extension value (DER), as Go's parser reads it; throws X509Rejection where Go fails. */
export function parseNameConstraints(value: Buffer): NameConstraints {
  const { tlv: top, next } = readTlv(value);
  if (next !== value.length || top.cls !== 0 || top.tag !== 16) throw new X509Rejection('x509: invalid NameConstraints extension');
  let permitted: Buffer | undefined;
  let excluded: Buffer | undefined;
  for (const part of children(top)) {
    if (part.cls === 2 && part.constructed && part.tag === 0 && permitted === undefined && excluded === undefined) permitted = part.content;
    else if (part.cls === 2 && part.constructed && part.tag === 1 && excluded === undefined) excluded = part.content;
    else throw new X509Rejection('x509: invalid NameConstraints extension');
  }
  if ((permitted?.length ?? 0) === 0 && (excluded?.length ?? 0) === 0) {
    throw new X509Rejection('x509: empty name constraints extension');
  }
  const p = parseSubtrees(permitted);
  const e = parseSubtrees(excluded);
  return {
    permittedDns: p.dns,
    excludedDns: e.dns,
    permittedIp: p.ip,
    excludedIp: e.ip,
    permittedEmail: p.email,
    excludedEmail: e.email,
    permittedUri: p.uri,
    excludedUri: e.uri,
    unhandled: p.unhandled || e.unhandled,
  };
}

function ipText(ip: Buffer): string {
  const v = BigInt('0x' + ip.toString('hex'));
  if (ip.length === 4) return formatIp(4, v);
  return formatIp(6, v);
}

/** The x509.Certificate fields Go fills from name constraints, as encoding/json writes them. */
export function nameConstraintFields(nc: NameConstraints, critical: boolean): RegoObject {
  const list = (xs: string[]): RegoValue => (xs.length > 0 ? xs : null);
  const nets = (xs: IpRange[]): RegoValue => (xs.length > 0 ? xs.map((r) => ({ IP: ipText(r.ip), Mask: r.mask.toString('base64') })) : null);
  return {
    PermittedDNSDomainsCritical: critical,
    PermittedDNSDomains: list(nc.permittedDns),
    ExcludedDNSDomains: list(nc.excludedDns),
    PermittedIPRanges: nets(nc.permittedIp),
    ExcludedIPRanges: nets(nc.excludedIp),
    PermittedEmailAddresses: list(nc.permittedEmail),
    ExcludedEmailAddresses: list(nc.excludedEmail),
    PermittedURIDomains: list(nc.permittedUri),
    ExcludedURIDomains: list(nc.excludedUri),
  };
}

interface Mailbox {
  local: string;
  domain: string;
}

const isAtext = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || "!#$%&'*+-/=?^_`{|}~.".includes(String.fromCharCode(c));

/** Go's parseRFC2821Mailbox. */
export function parseMailbox(input: string): Mailbox | undefined {
  if (input.length === 0) return undefined;
  let i = 0;
  let local = '';
  if (input.charCodeAt(0) === 34) {
    i = 1;
    for (;;) {
      if (i >= input.length) return undefined;
      const c = input.charCodeAt(i++);
      if (c === 34) break;
      if (c === 92) {
        if (i >= input.length) return undefined;
        const d = input.charCodeAt(i);
        if (d === 11 || d === 12 || (d >= 1 && d <= 9) || (d >= 14 && d <= 127)) {
          local += input[i];
          i++;
        } else return undefined;
      } else if (
        c === 11 || c === 12 || c === 32 || c === 33 || c === 127 || (c >= 1 && c <= 8) || (c >= 14 && c <= 31) ||
        (c >= 35 && c <= 91) || (c >= 93 && c <= 126)
      ) {
        local += String.fromCharCode(c);
      } else return undefined;
    }
  } else {
    while (i < input.length) {
      let c = input.charCodeAt(i);
      if (c === 92) {
        i++;
        if (i >= input.length) return undefined;
        c = input.charCodeAt(i);
        local += input[i];
        i++;
        continue;
      }
      if (!isAtext(c)) break;
      local += input[i];
      i++;
    }
    if (local.length === 0 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  }
  if (input[i] !== '@') return undefined;
  const domain = input.slice(i + 1);
  if (reverseLabels(domain) === undefined) return undefined;
  return { local, domain };
}

const equalFold = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Go's matchDomainConstraint; throws where Go reports an error (which refuses the chain). */
export function matchDomainConstraint(domain: string, constraint: string, excluded: boolean): boolean {
  if (constraint.length === 0) return true;
  let domainLabels = reverseLabels(domain);
  if (domainLabels === undefined) throw new X509Rejection(`x509: internal error: cannot parse domain "${domain}"`);
  const wildcard = domain.startsWith('*');
  let c = constraint;
  const mustHaveSubdomains = c.startsWith('.');
  if (mustHaveSubdomains) c = c.slice(1);
  let constraintLabels = reverseLabels(c);
  if (constraintLabels === undefined) throw new X509Rejection(`x509: internal error: cannot parse domain "${c}"`);
  if (domainLabels.length < constraintLabels.length || (mustHaveSubdomains && domainLabels.length === constraintLabels.length)) {
    return false;
  }
  // A wildcard SAN is excluded when any name it could stand for is excluded.
  if (excluded && wildcard && domainLabels.length > 1 && constraintLabels.length > 0) {
    domainLabels = domainLabels.slice(0, -1);
    constraintLabels = constraintLabels.slice(0, -1);
  }
  return constraintLabels.every((label, i) => equalFold(label, domainLabels[i]!));
}

function matchEmailConstraint(mailbox: Mailbox, constraint: string, excluded: boolean): boolean {
  if (constraint.includes('@')) {
    const want = parseMailbox(constraint);
    if (want === undefined) throw new X509Rejection(`x509: internal error: cannot parse constraint "${constraint}"`);
    return mailbox.local === want.local && equalFold(mailbox.domain, want.domain);
  }
  return matchDomainConstraint(mailbox.domain, constraint, excluded);
}

/** url.Parse(s).Host, or undefined where url.Parse fails. */
export function uriHost(s: string): string | undefined {
  try {
    return textOf(parseGoUrl(s).host);
  } catch (e) {
    if (e instanceof UrlError) return undefined;
    throw e;
  }
}

function matchUriConstraint(uri: string, host: string, constraint: string, excluded: boolean): boolean {
  let h = host;
  if (h.length === 0) throw new X509Rejection(`URI with empty host ("${uri}") cannot be matched against constraints`);
  if (h.includes(':') && !h.endsWith(']')) {
    const colon = h.lastIndexOf(':');
    h = h.slice(0, colon);
    if (h.includes(':')) throw new X509Rejection(`address ${host}: too many colons in address`);
  }
  if (parseIp(h) !== undefined || (h.startsWith('[') && h.endsWith(']'))) {
    throw new X509Rejection(`URI with IP ("${uri}") cannot be matched against constraints`);
  }
  return matchDomainConstraint(h, constraint, excluded);
}

function matchIpConstraint(ip: Buffer, range: IpRange): boolean {
  if (ip.length !== range.ip.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i]! & range.mask[i]!) !== (range.ip[i]! & range.mask[i]!)) return false;
  return true;
}

/** A running count of constraint comparisons, bounded as VerifyOptions.MaxConstraintComparisions bounds it. */
export interface ComparisonBudget {
  count: number;
  readonly max: number;
}

function check<T, C>(budget: ComparisonBudget, kind: string, name: string, parsed: T, permitted: C[], excluded: C[], match: (n: T, c: C, excluded: boolean) => boolean): void {
  budget.count += excluded.length;
  if (budget.count > budget.max) throw new X509Rejection('x509: too many constraints');
  for (const c of excluded) {
    if (match(parsed, c, true)) throw new X509Rejection(`x509: ${kind} "${name}" is excluded by a constraint`);
  }
  budget.count += permitted.length;
  if (budget.count > budget.max) throw new X509Rejection('x509: too many constraints');
  if (permitted.length > 0 && !permitted.some((c) => match(parsed, c, false))) {
    throw new X509Rejection(`x509: ${kind} "${name}" is not permitted by any constraint`);
  }
}

/** Checks one certificate's SANs against a CA's constraints; throws X509Rejection where Go refuses. */
export function checkSans(nc: NameConstraints, sans: GeneralName[], budget: ComparisonBudget): void {
  for (const { tag, data } of sans) {
    const name = data.toString('latin1');
    if (tag === 1) {
      const mailbox = parseMailbox(name);
      if (mailbox === undefined) throw new X509Rejection(`x509: cannot parse rfc822Name "${name}"`);
      check(budget, 'email address', name, mailbox, nc.permittedEmail, nc.excludedEmail, matchEmailConstraint);
    } else if (tag === 2) {
      if (name.endsWith('.') || reverseLabels(name) === undefined) throw new X509Rejection(`x509: cannot parse dnsName "${name}"`);
      check(budget, 'DNS name', name, name, nc.permittedDns, nc.excludedDns, matchDomainConstraint);
    } else if (tag === 6) {
      const host = uriHost(name);
      if (host === undefined) throw new X509Rejection(`x509: internal error: URI SAN "${name}" failed to parse`);
      check(budget, 'URI', name, host, nc.permittedUri, nc.excludedUri, (h, c, ex) => matchUriConstraint(name, h, c, ex));
    } else if (tag === 7) {
      if (data.length !== 4 && data.length !== 16) throw new X509Rejection('x509: internal error: IP SAN failed to parse');
      check(budget, 'IP address', ipText(data), data, nc.permittedIp, nc.excludedIp, matchIpConstraint);
    }
  }
}
