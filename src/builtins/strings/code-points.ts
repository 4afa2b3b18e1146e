// How Go sees a string: as runes (code points) or as UTF-8 bytes.

/** Code points of a string (lone surrogates count as one each, like Go's replacement runes). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Go's byte-oriented view of a string. */
export function utf8Bytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}
