/** Go's encoding/pem.Decode, enough of it for certificates, keys and CSRs. */

export interface PemBlock {
  readonly type: string;
  readonly bytes: Buffer;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';

function restOfLine(s: string, from: number): number {
  const nl = s.indexOf('\n', from);
  return nl < 0 ? s.length : nl + 1;
}

/**
 * The first PEM block in `input` and the text after it, or no block (and the input back) when there
 * is none. Like Go, text before the block is skipped and a malformed block makes the search go on.
 */
export function pemDecode(input: string): { block: PemBlock | undefined; rest: string } {
  let s = input;
  for (;;) {
    let at: number;
    if (s.startsWith(BEGIN)) at = 0;
    else {
      const i = s.indexOf('\n' + BEGIN);
      if (i < 0) return { block: undefined, rest: input };
      at = i + 1;
    }
    const afterBegin = at + BEGIN.length;
    const lineEnd = restOfLine(s, afterBegin);
    const typeLine = s.slice(afterBegin, lineEnd).replace(/[ \t\r\n]+$/, '');
    if (!typeLine.endsWith(DASHES)) {
      s = s.slice(lineEnd);
      continue;
    }
    const type = typeLine.slice(0, -DASHES.length);
    const endMarker = `${END}${type}${DASHES}`;
    const body = s.slice(lineEnd);
    let endAt: number;
    if (body.startsWith(endMarker)) endAt = 0;
    else {
      const j = body.indexOf('\n' + endMarker);
      if (j < 0) {
        s = s.slice(lineEnd);
        continue;
      }
      endAt = j + 1;
    }
    let content = body.slice(0, endAt);
    // RFC 1421 headers ("Key: value" lines) come before a blank line; they are not part of the data.
    const lines = content.split('\n');
    if (lines.length > 0 && /^[^:\s]+:/.test(lines[0]!)) {
      const blank = lines.findIndex((l) => l.trim() === '');
      content = blank >= 0 ? lines.slice(blank + 1).join('\n') : '';
    }
    const compact = content.replace(/[ \t\r\n]/g, '');
    const afterEnd = endAt + endMarker.length;
    const rest = body.slice(restOfLine(body, afterEnd));
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
      s = rest;
      continue;
    }
    return { block: { type, bytes: Buffer.from(compact, 'base64') }, rest };
  }
}

/** Every block in order, stopping where no further block is found. */
export function pemDecodeAll(input: string): PemBlock[] {
  const out: PemBlock[] = [];
  let rest = input;
  for (;;) {
    const r = pemDecode(rest);
    if (r.block === undefined) return out;
    out.push(r.block);
    rest = r.rest;
  }
}

export function pemEncode(type: string, bytes: Buffer): string {
  const b64 = bytes.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
