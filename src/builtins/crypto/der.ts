/** A minimal ASN.1 DER reader for X.509 structures, with Go's `asn1: structure error` wording. */

export class Asn1Error extends Error {}

export interface Tlv {
  /** Tag class (0 universal, 1 application, 2 context-specific, 3 private). */
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  /** The whole element, header included. */
  readonly raw: Buffer;
  readonly content: Buffer;
}

function structureError(msg: string): Asn1Error {
  return new Asn1Error(`asn1: structure error: ${msg}`);
}

/** One element at `offset`; returns it and the offset after it. */
export function readTlv(buf: Buffer, offset = 0): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw structureError('tags don\'t match');
  const b0 = buf[offset]!;
  let pos = offset + 1;
  let tag = b0 & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (;;) {
      if (pos >= buf.length) throw structureError('truncated tag or length');
      const b = buf[pos++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= buf.length) throw structureError('truncated tag or length');
  let len = buf[pos++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw structureError('length too large');
    len = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= buf.length) throw structureError('truncated tag or length');
      len = len * 256 + buf[pos++]!;
    }
  }
  if (pos + len > buf.length) throw structureError('data truncated');
  const tlv: Tlv = {
    cls: b0 >> 6,
    constructed: (b0 & 0x20) !== 0,
    tag,
    raw: buf.subarray(offset, pos + len),
    content: buf.subarray(pos, pos + len),
  };
  return { tlv, next: pos + len };
}

/** The elements inside a constructed element. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let off = 0;
  while (off < t.content.length) {
    const { tlv, next } = readTlv(t.content, off);
    out.push(tlv);
    off = next;
  }
  return out;
}

export function expectSequence(t: Tlv | undefined): Tlv[] {
  if (t === undefined || t.cls !== 0 || t.tag !== 16) throw structureError('tags don\'t match');
  return children(t);
}

export function oidArcs(t: Tlv): number[] {
  const c = t.content;
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    v = v * 128 + (c[i]! & 0x7f);
    if ((c[i]! & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        arcs.push(first, v - first * 40);
      } else arcs.push(v);
      v = 0;
    }
  }
  return arcs;
}

export function integerValue(t: Tlv): bigint {
  const c = t.content;
  if (c.length === 0) return 0n;
  let v = BigInt('0x' + c.toString('hex'));
  if (c[0]! & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/** A string-ish value (Printable, UTF8, IA5, T61, BMP, Universal). */
export function stringValue(t: Tlv): string {
  if (t.tag === 30) {
    let s = '';
    for (let i = 0; i + 1 < t.content.length; i += 2) s += String.fromCharCode(t.content.readUInt16BE(i));
    return s;
  }
  if (t.tag === 20) return t.content.toString('latin1');
  return t.content.toString('utf8');
}

/** UTCTime or GeneralizedTime as Go's time.Time marshals to JSON (RFC 3339, UTC). */
export function timeValue(t: Tlv): string {
  const s = t.content.toString('latin1');
  let year: number;
  let rest: string;
  if (t.tag === 23) {
    const yy = Number(s.slice(0, 2));
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = s.slice(2);
  } else {
    year = Number(s.slice(0, 4));
    rest = s.slice(4);
  }
  const [mo, d, h, mi, sec] = [0, 2, 4, 6, 8].map((i) => rest.slice(i, i + 2));
  return `${String(year).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${sec}Z`;
}
