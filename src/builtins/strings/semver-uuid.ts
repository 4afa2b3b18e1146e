import { randomUUID } from 'node:crypto';
import type { HostBuiltin } from '../host-builtin.js';
import type { RegoObject } from '../value.js';
import { builtinError } from '../errors.js';
import { integerResult, isInt64, stringArg } from '../operands.js';
import { goQuote } from './rego-format.js';

// semver.* (SemVer 2.0.0 as OPA checks it: optional leading "v", MAJOR.MINOR.PATCH as Go int64s
// without leading zeros, dot-separated pre-release and build identifiers that are never empty, and
// numeric pre-release identifiers without leading zeros) and uuid.* (google/uuid parsing, v4
// generation).

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
}

const NUMERIC = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;
const allDigits = (s: string): boolean => /^[0-9]+$/.test(s);

/** The text before and after the first `sep`, or undefined after when there is none. */
function cut(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** A MAJOR, MINOR or PATCH number: digits without a leading zero, within Go's int64. */
function versionNumber(s: string): bigint | undefined {
  if (!NUMERIC.test(s)) return undefined;
  const n = BigInt(s);
  return isInt64(n) ? n : undefined;
}

const isBuildIdentifier = (id: string): boolean => IDENTIFIER.test(id);

// A numeric pre-release identifier takes part in ordering, so `01` would be ambiguous with `1`.
const isPreReleaseIdentifier = (id: string): boolean => IDENTIFIER.test(id) && (!allDigits(id) || NUMERIC.test(id));

export function parseSemver(text: string): Version | undefined {
  const [rest, build] = cut(text.startsWith('v') ? text.slice(1) : text, '+');
  if (build !== undefined && !build.split('.').every(isBuildIdentifier)) return undefined;
  const [core, pre] = cut(rest, '-');
  if (pre !== undefined && !pre.split('.').every(isPreReleaseIdentifier)) return undefined;
  const parts = core.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(versionNumber);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre: pre ?? '' };
}

const sign = (a: bigint, b: bigint): number => (a > b ? 1 : a < b ? -1 : 0);

export function compareSemver(a: Version, b: Version): number {
  const core = sign(a.major, b.major) || sign(a.minor, b.minor) || sign(a.patch, b.patch);
  if (core !== 0) return core;
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  const as = a.pre.split('.');
  const bs = b.pre.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xi = allDigits(x);
    const yi = allDigits(y);
    if (xi && !yi) return -1;
    if (!xi && yi) return 1;
    const c = xi && yi ? sign(BigInt(x), BigInt(y)) : x > y ? 1 : x < y ? -1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

export const semverCompare: HostBuiltin = (a, b) => {
  const sa = stringArg('semver.compare', a, 1);
  const sb = stringArg('semver.compare', b, 2);
  const va = parseSemver(sa);
  if (va === undefined) throw builtinError('semver.compare', `operand 1: string ${goQuote(sa)} is not a valid SemVer`);
  const vb = parseSemver(sb);
  if (vb === undefined) throw builtinError('semver.compare', `operand 2: string ${goQuote(sb)} is not a valid SemVer`);
  return compareSemver(va, vb);
};

export const semverIsValid: HostBuiltin = (v) => typeof v === 'string' && parseSemver(v) !== undefined;

/** The 16 bytes of a UUID in any form google/uuid.Parse accepts. */
function uuidBytes(s: string): Buffer | undefined {
  let hex: string;
  if (s.length === 36 || s.length === 38 || s.length === 45) {
    let body = s;
    if (s.length === 45) {
      if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
      body = s.slice(9);
    } else if (s.length === 38) {
      if (s[0] !== '{' || s[37] !== '}') return undefined;
      body = s.slice(1, 37);
    }
    if (body[8] !== '-' || body[13] !== '-' || body[18] !== '-' || body[23] !== '-') return undefined;
    hex = body.slice(0, 8) + body.slice(9, 13) + body.slice(14, 18) + body.slice(19, 23) + body.slice(24);
  } else if (s.length === 32) hex = s;
  else return undefined;
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}

const VARIANTS = ['Reserved', 'RFC4122', 'Microsoft', 'Future'];
const DOMAINS = ['Person', 'Group', 'Org'];
const GREGORIAN_OFFSET = 122192928000000000n;

function macVariables(first: number): string {
  if ((first & 0b11) === 0b11) return 'local:multicast';
  if ((first & 0b01) === 0b01) return 'global:multicast';
  if ((first & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

export const uuidParse: HostBuiltin = (x) => {
  const bytes = uuidBytes(stringArg('uuid.parse', x, 1));
  if (bytes === undefined) return undefined;
  const version = bytes[6]! >> 4;
  const v8 = bytes[8]!;
  const variant = (v8 & 0xc0) === 0x80 ? 1 : (v8 & 0xe0) === 0xc0 ? 2 : (v8 & 0xe0) === 0xe0 ? 3 : 0;
  const out: RegoObject = { version, variant: VARIANTS[variant]! };
  if (version === 1 || version === 2) {
    const t =
      BigInt(bytes.readUInt32BE(0)) | (BigInt(bytes.readUInt16BE(4)) << 32n) | (BigInt(bytes.readUInt16BE(6) & 0xfff) << 48n);
    const since = t - GREGORIAN_OFFSET;
    out.time = integerResult((since / 10_000_000n) * 1_000_000_000n + (since % 10_000_000n) * 100n);
    const node = bytes.subarray(10, 16);
    out.macvariables = macVariables(node[0]!);
    out.nodeid = Array.from(node, (b) => b.toString(16).padStart(2, '0')).join('-');
    out.clocksequence = bytes.readUInt16BE(8) & 0x3fff;
    if (version === 2) {
      out.id = bytes.readUInt32BE(0);
      out.domain = DOMAINS[bytes[9]!] ?? `Domain${bytes[9]!}`;
    }
  }
  return out;
};

/**
 * uuid.rfc4122: a fresh random (v4) UUID. OPA gives equal keys one UUID within a query and a new
 * one in the next: a Warden module memoises the result per key for one evaluation (see
 * `perEvaluation` in src/builtins/registry/units.ts), so the host only draws.
 */
export const uuidRfc4122: HostBuiltin = () => randomUUID();
