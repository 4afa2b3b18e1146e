import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { ProtectionError } from './errors.js';

/** An address or CIDR of a deny list, with where it was written (`ipDeny[2]`, `deny.txt:3`). */
export interface AddressRule {
  text: string;
  where: string;
}

function addRule(list: BlockList, rule: AddressRule): void {
  const [address = '', prefix, ...rest] = rule.text.trim().split('/');
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  const bad = (why: string) => new ProtectionError('protection_invalid_config', `${rule.where}: ${JSON.stringify(rule.text)} is not ${why}`);
  if (family === 0 || rest.length > 0) throw bad('an IP address or CIDR');
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address, type);
    return;
  }
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) throw bad(`a CIDR: the prefix length must be 0 to ${bits}`);
  list.addSubnet(address, Number(prefix), type);
}

/**
 * Addresses no call may come from: single addresses and CIDRs, IPv4 and IPv6 (an IPv4 rule also
 * matches the IPv4-mapped IPv6 form a dual-stack socket reports).
 */
export class AddressDenyList {
  private readonly list = new BlockList();
  /** Rules held. */
  readonly size: number;

  /** @throws ProtectionError naming the first rule that is not an address or CIDR, and where it is */
  constructor(rules: readonly AddressRule[]) {
    for (const rule of rules) addRule(this.list, rule);
    this.size = rules.length;
  }

  /**
   * Whether `address` is denied. An address that is not an IP address at all is denied too when the
   * list holds any rule: it cannot be shown not to be in it. No address (`''`: a Unix socket, an
   * Envoy that sent none) matches no rule.
   */
  denies(address: string): boolean {
    if (this.size === 0 || address === '') return false;
    const family = isIP(address);
    if (family === 0) return true;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * The rules of a deny-list file: one address or CIDR a line; blank lines and `#` comments ignored.
 *
 * @throws ProtectionError `protection_deny_file` when the file cannot be read, or names the line that is bad
 */
export function readDenyFile(file: string): AddressRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProtectionError('protection_deny_file', `cannot read deny list ${file}: ${(e as Error).message}`, { cause: e });
  }
  const rules: AddressRule[] = [];
  text.split('\n').forEach((line, i) => {
    const content = line.replace(/#.*/, '').trim();
    if (content !== '') rules.push({ text: content, where: `${file}:${i + 1}` });
  });
  return rules;
}
