import { HttpRequestError } from './errors.js';

/** One element of `x-forwarded-client-cert`: its key-value pairs in order (`URI` may repeat). */
export type XfccElement = ReadonlyArray<readonly [key: string, value: string]>;

function bad(message: string): HttpRequestError {
  return new HttpRequestError('http_bad_credential', `x-forwarded-client-cert: ${message}`);
}

/**
 * Parses Envoy's `x-forwarded-client-cert`: elements separated by `,` (one per proxy that added
 * one), each of `;`-separated `Key=Value` pairs; a value may be double-quoted to hold `,`, `;` or
 * `=`, with `\"` and `\\` escaped inside the quotes. Keys are returned as written (Envoy writes
 * `By`, `Hash`, `Cert`, `Chain`, `Subject`, `URI`, `DNS`).
 *
 * @example
 * parseXfcc('By=spiffe://a;URI=spiffe://b,Subject="CN=x, O=y";URI=spiffe://c')
 * // → [[['By', 'spiffe://a'], ['URI', 'spiffe://b']], [['Subject', 'CN=x, O=y'], ['URI', 'spiffe://c']]]
 * @throws HttpRequestError `http_bad_credential` for an unterminated quote, a pair without `=`, or text after a closing quote
 */
export function parseXfcc(header: string): XfccElement[] {
  const elements: XfccElement[] = [];
  let pairs: Array<readonly [string, string]> = [];
  let at = 0;
  const endPair = (key: string, value: string) => {
    if (key.trim() === '') throw bad(`a pair has no key at character ${at}`);
    pairs.push([key.trim(), value]);
  };
  while (at <= header.length) {
    const eq = header.indexOf('=', at);
    const stop = nextDelimiter(header, at);
    if (eq < 0 || (stop >= 0 && stop < eq)) {
      const text = header.slice(at, stop < 0 ? header.length : stop).trim();
      if (text !== '') throw bad(`"${text.slice(0, 40)}" is not Key=Value`);
      if (stop < 0) break;
      if (header[stop] === ',') closeElement();
      at = stop + 1;
      continue;
    }
    const key = header.slice(at, eq);
    let value: string;
    let after: number;
    if (header[eq + 1] === '"') {
      [value, after] = quoted(header, eq + 2);
      const rest = nextDelimiter(header, after);
      const between = header.slice(after, rest < 0 ? header.length : rest);
      if (between.trim() !== '') throw bad(`text after the quoted value of ${key.trim()}`);
      after = rest < 0 ? header.length : rest;
    } else {
      const end = nextDelimiter(header, eq + 1);
      after = end < 0 ? header.length : end;
      value = header.slice(eq + 1, after).trim();
    }
    endPair(key, value);
    if (after >= header.length) break;
    if (header[after] === ',') closeElement();
    at = after + 1;
  }
  closeElement();
  return elements;

  function closeElement(): void {
    if (pairs.length > 0) elements.push(pairs);
    pairs = [];
  }
}

/** The index of the next `,` or `;` from `from`, or -1. */
function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === ',' || text[i] === ';') return i;
  return -1;
}

/** The value of a quoted string whose text starts at `from`, and the index after its closing quote. */
function quoted(text: string, from: number): [string, number] {
  let out = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) out += text[++i];
    else if (c === '"') return [out, i + 1];
    else out += c;
  }
  throw bad('a quoted value is not closed');
}

/** The values of `key` (case-insensitive) in `element`, in order. */
export function xfccValues(element: XfccElement, key: string): string[] {
  const wanted = key.toLowerCase();
  return element.filter(([k]) => k.toLowerCase() === wanted).map(([, v]) => v);
}
