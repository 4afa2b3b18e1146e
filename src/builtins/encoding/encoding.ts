import type { HostBuiltin } from '../host-builtin.js';
import { builtinError, GoError } from '../errors.js';
import { stringArg } from '../operands.js';

// base64, base64url and hex with Go's encoding/base64 and encoding/hex behaviour, including
// which inputs they reject and the byte offsets in their error messages.

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}

export const STD_MAP = decodeMap(STD);
export const URL_MAP = decodeMap(URL);
const PAD = 0x3d;
const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;

export class CorruptInput extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

/** Go's (non-strict, padded) Encoding.DecodeString, quantum by quantum. */
export function goBase64Decode(src: Buffer, map: Int16Array): Buffer {
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const buf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    let trailing: CorruptInput | undefined;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw new CorruptInput(si - j);
      }
      const c = src[si]!;
      si++;
      const v = map[c]!;
      if (v >= 0) {
        buf[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== PAD) throw new CorruptInput(si - 1);
      if (j === 0 || j === 1) throw new CorruptInput(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw new CorruptInput(src.length);
        if (src[si] !== PAD) throw new CorruptInput(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) trailing = new CorruptInput(si);
      dlen = j;
      break;
    }
    const val = (buf[0]! << 18) | (buf[1]! << 12) | (buf[2]! << 6) | buf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing !== undefined) throw trailing;
    if (dlen < 4) break;
  }
  return Buffer.from(out);
}

function decodeOrFail(name: string, s: string, map: Int16Array): string {
  try {
    return goBase64Decode(Buffer.from(s, 'utf8'), map).toString('utf8');
  } catch (e) {
    if (e instanceof CorruptInput) throw builtinError(name, e.message);
    throw e;
  }
}

export const base64Encode: HostBuiltin = (x) => Buffer.from(stringArg('base64.encode', x, 1), 'utf8').toString('base64');

export const base64Decode: HostBuiltin = (x) => decodeOrFail('base64.decode', stringArg('base64.decode', x, 1), STD_MAP);

export const base64IsValid: HostBuiltin = (x) => {
  if (typeof x !== 'string') return false;
  try {
    goBase64Decode(Buffer.from(x, 'utf8'), STD_MAP);
    return true;
  } catch {
    return false;
  }
};

export const base64UrlEncode: HostBuiltin = (x) => {
  const raw = Buffer.from(stringArg('base64url.encode', x, 1), 'utf8').toString('base64url');
  return raw + '='.repeat((4 - (raw.length % 4)) % 4);
};

export const base64UrlEncodeNoPad: HostBuiltin = (x) =>
  Buffer.from(stringArg('base64url.encode_no_pad', x, 1), 'utf8').toString('base64url');

export const base64UrlDecode: HostBuiltin = (x) => {
  let s = stringArg('base64url.decode', x, 1);
  if (!s.endsWith('=')) {
    const rem = Buffer.byteLength(s, 'utf8') % 4;
    if (rem === 2) s += '==';
    else if (rem === 3) s += '=';
    else if (rem === 1) throw builtinError('base64url.decode', `illegal base64url string: ${s}`);
  }
  return decodeOrFail('base64url.decode', s, URL_MAP);
};

export const hexEncode: HostBuiltin = (x) => Buffer.from(stringArg('hex.encode', x, 1), 'utf8').toString('hex');

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

/** Go's InvalidByteError text: the byte as a rune in %#U form. */
function invalidByte(b: number): string {
  const code = 'U+' + b.toString(16).toUpperCase().padStart(4, '0');
  const printable = (b >= 0x20 && b < 0x7f) || b >= 0xa1;
  return `encoding/hex: invalid byte: ${code}${printable && b !== 0xad ? ` '${String.fromCharCode(b)}'` : ''}`;
}

export const hexDecode: HostBuiltin = (x) => {
  const src = Buffer.from(stringArg('hex.decode', x, 1), 'utf8');
  const out = Buffer.alloc(src.length >> 1);
  let j = 1;
  for (; j < src.length; j += 2) {
    const a = hexValue(src[j - 1]!);
    const b = hexValue(src[j]!);
    if (a < 0) throw builtinError('hex.decode', invalidByte(src[j - 1]!));
    if (b < 0) throw builtinError('hex.decode', invalidByte(src[j]!));
    out[(j - 1) >> 1] = (a << 4) | b;
  }
  if (src.length % 2 === 1) {
    if (hexValue(src[j - 1]!) < 0) throw builtinError('hex.decode', invalidByte(src[j - 1]!));
    throw builtinError('hex.decode', 'encoding/hex: odd length hex string');
  }
  return out.toString('utf8');
};

/** Go's base64 decoding (for tokens and certificates), its errors as GoErrors. */
function goBase64DecodeOrGoError(src: Buffer, map: Int16Array): Buffer {
  try {
    return goBase64Decode(src, map);
  } catch (e) {
    if (e instanceof CorruptInput) throw new GoError(e.message);
    throw e;
  }
}

export function stdBase64Decode(s: string | Buffer): Buffer {
  return goBase64DecodeOrGoError(typeof s === 'string' ? Buffer.from(s, 'utf8') : s, STD_MAP);
}

/** OPA's base64url.decode: missing padding is added first, then URL-alphabet decoding. */
export function base64UrlDecodeLenient(s: string): Buffer {
  let t = s;
  if (t.length % 4 !== 0) t += '='.repeat(4 - (t.length % 4));
  return goBase64DecodeOrGoError(Buffer.from(t, 'utf8'), URL_MAP);
}

export function base64UrlEncodeRaw(b: Buffer | string): string {
  return (typeof b === 'string' ? Buffer.from(b, 'utf8') : b).toString('base64url');
}
