import type { HostBuiltin } from '../host-builtin.js';
import { RegoObjectEntries, RegoSet, isRegoObject, type RegoValue } from '../value.js';
import {
  classfulPrefix,
  contains,
  firstOf,
  formatIp,
  formatNet,
  lastOf,
  masked,
  parseCidr,
  parseIp,
  rangeToCidrs,
  type IpNet,
} from './ip-address.js';
import { builtinError } from '../errors.js';
import { stringArg } from '../operands.js';

/** Beyond this many addresses net.cidr_expand gives up, as OPA does when its query is cancelled. */
const EXPAND_LIMIT = 1n << 20n;

function cidrArg(name: string, value: RegoValue | undefined): IpNet {
  // OPA reports every CIDR operand of these builtins as "operand 1".
  const s = stringArg(name, value, 1);
  const n = parseCidr(s);
  if (n === undefined) throw builtinError(name, `invalid CIDR address: ${s}`);
  return masked(n);
}

function cidrContains(name: string, a: RegoValue | undefined, b: RegoValue | undefined): boolean {
  const net = cidrArg(name, a);
  const bs = stringArg(name, b, 1);
  const ip = parseIp(bs);
  if (ip !== undefined) return contains(net, ip);
  const inner = parseCidr(bs);
  if (inner === undefined) throw builtinError(name, `not a valid textual representation of an IP address or CIDR: ${bs}`);
  const m = masked(inner);
  if (!contains(net, { family: m.family, value: m.ip })) return false;
  return contains(net, { family: m.family, value: lastOf(m) });
}

export const netCidrContains: HostBuiltin = (a, b) => cidrContains('net.cidr_contains', a, b);

export const netCidrOverlap: HostBuiltin = (a, b) => cidrContains('net.cidr_overlap', a, b);

export const netCidrIntersects: HostBuiltin = (a, b) => {
  const x = cidrArg('net.cidr_intersects', a);
  const y = cidrArg('net.cidr_intersects', b);
  return contains(x, { family: y.family, value: y.ip }) || contains(y, { family: x.family, value: x.ip });
};

type MatchVisitor = (cidr: RegoValue, index: RegoValue) => void;

function matchCidr(operand: number, element: RegoValue): RegoValue {
  if (typeof element === 'string') return element;
  if (Array.isArray(element) && element.length > 0) return element[0]!;
  throw builtinError('net.cidr_contains_matches', `operand ${operand}: element must be string or non-empty array`);
}

function visitMatches(operand: number, value: RegoValue | undefined, visit: MatchVisitor): void {
  if (typeof value === 'string') visit(value, value);
  else if (Array.isArray(value)) value.forEach((e, i) => visit(matchCidr(operand, e), i));
  else if (value instanceof RegoSet) for (const e of value.items) visit(matchCidr(operand, e), e);
  else if (value instanceof RegoObjectEntries) for (const [k, e] of value.entries) visit(matchCidr(operand, e), k);
  else if (value !== undefined && isRegoObject(value)) {
    for (const [k, e] of Object.entries(value)) visit(matchCidr(operand, e), k);
  }
}

export const netCidrContainsMatches: HostBuiltin = (a, b) => {
  const out: RegoValue[] = [];
  visitMatches(1, a, (cidr1, index1) => {
    visitMatches(2, b, (cidr2, index2) => {
      if (cidrContains('net.cidr_contains_matches', cidr1, cidr2)) out.push([index1, index2]);
    });
  });
  return new RegoSet(out);
};

export const netCidrExpand: HostBuiltin = (x) => {
  const s = stringArg('net.cidr_expand', x, 1);
  const n = parseCidr(s);
  if (n === undefined) throw builtinError('net.cidr_expand', `invalid CIDR address: ${s}`);
  const first = firstOf(n);
  const last = lastOf(n);
  if (last - first + 1n > EXPAND_LIMIT) {
    throw builtinError('net.cidr_expand', 'timed out before generating all IP addresses');
  }
  const out: string[] = [];
  for (let v = first; v <= last; v++) out.push(formatIp(n.family, v));
  return new RegoSet(out);
};

export const netCidrIsValid: HostBuiltin = (x) => typeof x === 'string' && parseCidr(x) !== undefined;

const V4_MAPPED_BASE = 0xffffn << 32n;

interface Range {
  first: bigint;
  last: bigint;
  network: IpNet | undefined;
}

/** Addresses in one 128-bit space, IPv4 mapped, as Go's merge code compares them. */
function wide(family: 4 | 6, v: bigint): bigint {
  return family === 4 ? V4_MAPPED_BASE | v : v;
}

function mergeElement(value: RegoValue): IpNet {
  if (typeof value !== 'string') throw builtinError('net.cidr_merge', 'element must be string');
  const ip = parseIp(value);
  if (ip === undefined) {
    const n = parseCidr(value);
    if (n === undefined) throw builtinError('net.cidr_merge', `invalid CIDR address: ${value}`);
    return masked(n);
  }
  let v4: bigint | undefined;
  if (ip.family === 4) v4 = ip.value;
  else if (ip.value >> 32n === 0xffffn) v4 = ip.value & 0xffffffffn;
  if (v4 === undefined) throw builtinError('net.cidr_merge', 'IPv6 invalid: needs prefix length');
  // Go gives a bare IPv4 address its classful default mask and keeps the address unmasked.
  return { family: 4, ip: v4, prefix: classfulPrefix(v4) };
}

export const netCidrMerge: HostBuiltin = (x) => {
  const items = Array.isArray(x) ? x : x instanceof RegoSet ? x.items : undefined;
  if (items === undefined) throw builtinError('net.cidr_merge', 'operand must be an array');
  const ranges: Range[] = items.map(mergeElement).map((n) => ({
    first: wide(n.family, firstOf(n)),
    last: wide(n.family, lastOf(n)),
    network: n,
  }));
  ranges.sort((p, q) => (p.last !== q.last ? (p.last < q.last ? -1 : 1) : p.first < q.first ? -1 : p.first > q.first ? 1 : 0));
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i]!;
    const prev = ranges[i - 1]!;
    const previousIp = cur.first === 0n || cur.first === V4_MAPPED_BASE ? cur.first : cur.first - 1n;
    if (previousIp <= prev.last) {
      ranges[i - 1] = { first: prev.first < cur.first ? prev.first : cur.first, last: cur.last, network: undefined };
      ranges.splice(i, 1);
    }
  }
  const out: string[] = [];
  for (const r of ranges) {
    if (r.network !== undefined) {
      out.push(formatNet(r.network));
      continue;
    }
    const v4 = r.first >> 32n === 0xffffn;
    const family = v4 ? 4 : 6;
    const strip = (v: bigint): bigint => (v4 ? v & 0xffffffffn : v);
    for (const n of rangeToCidrs(family, strip(r.first), strip(r.last))) out.push(formatNet(n));
  }
  return new RegoSet(out);
};

export const netCidrBuiltins: Record<string, HostBuiltin> = {
  'net.cidr_contains': netCidrContains,
  'net.cidr_overlap': netCidrOverlap,
  'net.cidr_intersects': netCidrIntersects,
  'net.cidr_contains_matches': netCidrContainsMatches,
  'net.cidr_expand': netCidrExpand,
  'net.cidr_is_valid': netCidrIsValid,
  'net.cidr_merge': netCidrMerge,
};
