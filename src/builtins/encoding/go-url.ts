// Provenance: follows Go's src/net/url/url.go; Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import { GoError } from '../errors.js';
import { goQuote } from '../strings/rego-format.js';

// URLs as Go's net/url.Parse reads them (what OPA's uri.* builtins rest on), and its query escaping
// (urlquery.*), with its error texts.
// Go works on bytes: the text is handled as a byte string here (one UTF-16 unit per UTF-8 byte,
// 'latin1'), so that indexes and escapes count bytes as Go's do. Colons in a host are read as
// Go read them before `urlstrictcolons` (the last one starts the port).

/** The parts of a URL OPA's uri.parse reports, decoded as Go decodes them (byte strings). */
export interface GoUrl {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'fragment' | 'query';

/** A failed parse: Go's `*url.Error` text, `parse "<url>": <reason>`. */
export class UrlError extends GoError {}

/** A bad escape in a query component: Go's `url.EscapeError` text. */
export class UrlEscapeError extends GoError {}

const bytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
/** A byte string as text (invalid UTF-8 becomes U+FFFD, as OPA's JSON writes it). */
export const textOf = (b: string): string => Buffer.from(b, 'latin1').toString('utf8');
const isAlnum = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const unhex = (c: number) => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);

/** Go's shouldEscape for the modes a parse uses. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    if (mode === 'path') return ch === '?';
    if (mode === 'userPassword') return '@/?:'.includes(ch);
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

/** Go's unescape: `%XX` decoded (and `+` a space in a query); what a host may not hold, or a bad escape, is an error (its reason). */
function unescape(s: string, mode: Mode): string {
  let escapes = mode === 'query' && s.includes('+') ? 1 : 0;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      escapes++;
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) throw reason(`invalid URL escape ${goQuote(textOf(s.slice(i, i + 3)))}`);
      const triple = s.slice(i, i + 3);
      // In a host, escapes are only for non-ASCII bytes (RFC 3986 §3.2.2), and %25 for a zone (RFC 6874).
      if (mode === 'host' && unhex(s.charCodeAt(i + 1)) < 8 && triple !== '%25') throw reason(`invalid URL escape ${goQuote(triple)}`);
      if (mode === 'zone') {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (triple !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) throw reason(`invalid URL escape ${goQuote(triple)}`);
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) throw reason(`invalid character ${goQuote(s[i]!)} in host name`);
      i++;
    }
  }
  if (escapes === 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 0x25) {
      out += String.fromCharCode((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2)));
      i += 2;
    } else out += mode === 'query' && s[i] === '+' ? ' ' : s[i];
  }
  return out;
}

/** Go's escape (a space is `+` in a query component). */
function escape(s: string, mode: Mode): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (mode === 'query' && c === 0x20) out += '+';
    else out += shouldEscape(c, mode) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : s[i];
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(text: string): string {
  return escape(bytes(text), 'query');
}

/** Go's url.QueryUnescape; a bad escape throws a UrlEscapeError. */
export function queryUnescape(text: string): string {
  try {
    return textOf(unescape(bytes(text), 'query'));
  } catch (e) {
    if (e instanceof Reason) throw new UrlEscapeError(e.text);
    throw e;
  }
}

/** Why a parse failed, before Go wraps it with the URL. */
class Reason {
  constructor(readonly text: string) {}
}
const reason = (text: string) => new Reason(text);

const validOptionalPort = (port: string) => port === '' || (port[0] === ':' && /^:[0-9]*$/.test(port));

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw reason("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw reason(`invalid port ${goQuote(textOf(colonPort))} after host`);
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0) return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, close), 'zone') + unescape(host.slice(close), 'host');
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) throw reason(`invalid port ${goQuote(textOf(host.slice(colon)))} after host`);
  }
  return unescape(host, 'host');
}

/** Go's validUserinfo, rune by rune. */
const validUserinfo = (userinfo: string) => /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo);

function parseAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) throw reason('net/url: invalid userinfo');
  // Checked as Go checks them (the decoded user and password are not reported).
  const colon = userinfo.indexOf(':');
  if (colon < 0) unescape(userinfo, 'userPassword');
  else {
    unescape(userinfo.slice(0, colon), 'userPassword');
    unescape(userinfo.slice(colon + 1), 'userPassword');
  }
  return host;
}

function scheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw reason('missing protocol scheme');
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function parseWithoutFragment(raw: string): GoUrl {
  const url: GoUrl = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '' };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw reason('net/url: invalid control character in URL');
  if (raw === '*') return { ...url, path: '*' };
  const split = scheme(raw);
  url.scheme = split.scheme.toLowerCase();
  let rest = split.rest;
  const question = rest.indexOf('?');
  if (rest.endsWith('?') && question === rest.length - 1) rest = rest.slice(0, -1);
  else if (question >= 0) {
    url.rawQuery = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') return { ...url, opaque: rest };
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) throw reason('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    url.host = parseAuthority(authority);
  }
  url.path = unescape(rest, 'path');
  url.rawPath = escape(url.path, 'path') === rest ? '' : rest;
  return url;
}

/**
 * Go's url.Parse of `text`. Throws a UrlError with Go's message (`parse "…": invalid URL escape
 * "%6d"`) where Go returns an error.
 */
export function parseGoUrl(text: string): GoUrl {
  const raw = bytes(text);
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  try {
    const url = parseWithoutFragment(beforeFragment);
    if (hash >= 0) {
      try {
        url.fragment = unescape(raw.slice(hash + 1), 'fragment');
      } catch (e) {
        if (e instanceof Reason) throw new UrlError(`parse ${goQuote(text)}: ${e.text}`);
        throw e;
      }
    }
    return url;
  } catch (e) {
    if (e instanceof Reason) throw new UrlError(`parse ${goQuote(textOf(beforeFragment))}: ${e.text}`);
    throw e;
  }
}

/** Go's URL.Hostname and URL.Port: the host without its port, brackets off, and the port. */
export function splitHostPort(hostPort: string): { hostname: string; port: string } {
  let hostname = hostPort;
  let port = '';
  const colon = hostPort.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(hostPort.slice(colon))) {
    hostname = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}
