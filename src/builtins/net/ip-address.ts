/**
 * IP addresses and networks as Go's net package parses and prints them (net.ParseIP, net.ParseCIDR,
 * IP.String, IPNet.String), on BigInt values so IPv4 and IPv6 share one arithmetic.
 */

export interface IpAddr {
  /** 4 for addresses written as IPv4, 6 otherwise. */
  readonly family: 4 | 6;
  /** The address in its own width: 32 bits for IPv4, 128 for IPv6. */
  readonly value: bigint;
}

export interface IpNet {
  readonly family: 4 | 6;
  /** The address as written (not masked), which Go prints for networks it did not build itself. */
  readonly ip: bigint;
  readonly prefix: number;
}

export function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // netip rejects leading zeros and anything but decimal digits.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return undefined;
  const groupsOf = (t: string): string[] | undefined => (t === '' ? [] : t.split(':'));
  let groups: string[];
  if (dbl >= 0) {
    const left = groupsOf(head.slice(0, dbl));
    const right = groupsOf(head.slice(dbl + 2));
    if (left === undefined || right === undefined) return undefined;
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  } else {
    groups = head.split(':');
    if (groups.length !== 8) return undefined;
  }
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

/** net.ParseIP: an IPv4 or IPv6 literal (no zone), or undefined. */
export function parseIp(s: string): IpAddr | undefined {
  if (s.includes(':')) {
    const v = parseV6(s);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** net.ParseCIDR, or undefined where Go reports `invalid CIDR address`. */
export function parseCidr(s: string): IpNet | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (ip === undefined || !/^[0-9]+$/.test(bits) || bits.length > 3) return undefined;
  const prefix = Number(bits);
  if (prefix > bitsOf(ip.family)) return undefined;
  return { family: ip.family, ip: ip.value, prefix };
}

export function hostMask(family: 4 | 6, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

export function firstOf(n: IpNet): bigint {
  return n.ip & ~hostMask(n.family, n.prefix);
}

export function lastOf(n: IpNet): bigint {
  return firstOf(n) | hostMask(n.family, n.prefix);
}

/** ParseCIDR's network: the address masked to its prefix. */
export function masked(n: IpNet): IpNet {
  return { family: n.family, ip: firstOf(n), prefix: n.prefix };
}

function isV4Mapped(v: bigint): boolean {
  return v >> 32n === 0xffffn;
}

/**
 * A network as Go's IPNet.Contains sees it: an IPv4-mapped IPv6 network compares like an IPv4 one.
 */
function comparable(n: IpNet): IpNet {
  if (n.family === 6 && isV4Mapped(n.ip)) {
    return { family: 4, ip: n.ip & 0xffffffffn, prefix: Math.max(0, n.prefix - 96) };
  }
  return n;
}

/** IPNet.Contains. */
export function contains(n: IpNet, ip: IpAddr): boolean {
  const net = comparable(n);
  let family = ip.family;
  let value = ip.value;
  if (family === 6 && isV4Mapped(value)) {
    family = 4;
    value &= 0xffffffffn;
  }
  if (family !== net.family) return false;
  return (value & ~hostMask(family, net.prefix)) === firstOf(net);
}

export function formatV4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/** IP.String: dotted for IPv4 and IPv4-mapped addresses, RFC 5952 text for the rest. */
export function formatIp(family: 4 | 6, v: bigint): string {
  if (family === 4) return formatV4(v);
  if (isV4Mapped(v)) return formatV4(v & 0xffffffffn);
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(':');
  const left = groups.slice(0, bestStart).map(hex).join(':');
  const right = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${left}::${right}`;
}

/** IPNet.String: the stored address (not re-masked) and the prefix length. */
export function formatNet(n: IpNet): string {
  return `${formatIp(n.family, n.ip)}/${n.prefix}`;
}

/** IP.DefaultMask: the classful prefix of an IPv4 address. */
export function classfulPrefix(v: bigint): number {
  const first = Number(v >> 24n);
  if (first < 0x80) return 8;
  if (first < 0xc0) return 16;
  return 24;
}

/** The fewest CIDR blocks that cover exactly [first, last]. */
export function rangeToCidrs(family: 4 | 6, first: bigint, last: bigint): IpNet[] {
  const bits = bitsOf(family);
  const out: IpNet[] = [];
  let cur = first;
  while (cur <= last) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if ((cur & (block - 1n)) !== 0n || cur + block - 1n > last) break;
      size = next;
    }
    out.push({ family, ip: cur, prefix: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}
