import { isSecretParam } from './secret-names.js';

/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

/** A JWT (or any JWS compact serialisation) inside a longer string. */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

/** An HTTP credential (`Authorization` header's value) of the Bearer, Basic or ApiKey scheme, any case. */
const CREDENTIAL = /^\s*(?:bearer|basic|apikey)\s+\S/i;

/** A Warden API key (`wdn_<id>_<secret>`, see ApiKeyStore): its secret is redacted, its id kept. */
const API_KEY = /(wdn_[a-z2-7]{16}_)[A-Za-z0-9_-]{43}/g;

/** A PEM private key (`-----BEGIN RSA PRIVATE KEY-----`). */
const PEM_PRIVATE_KEY = 'PRIVATE KEY-----';

/** A SigV4 `Authorization` header's value (a presigned URL's pairs are left to PAIR). */
const SIGV4 = /AWS4-HMAC-SHA256\s+Credential=/;

/**
 * `name=value` pairs of a query string (`?`, `&`), a parameter list (`;`) or a header value like
 * SigV4's (`, Signature=…`), or a whole string that is one. A value ends at `&`, `#`, `;`, `,`, `?`
 * or white space, so a URL nested unencoded in another's query has its own pairs looked at too.
 */
const PAIR = /(^|[?&;,\s])([^=&#?;,\s]+)=([^&#;,\s?]+)/g;

/** Characters of base64, base64url and most API token formats; `=` only as trailing padding. */
const TOKEN_RUN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;

/** Lower-case path segments a token run starts with (`/files/` of `/files/<token>`): kept. */
const PATH_HEAD = /^\/?(?:[a-z0-9_-]+\/)*/;

/** The least Shannon entropy, in bits per character, of a token run taken for a secret. */
export const TOKEN_MIN_ENTROPY = 4;

/** Lower-case runs of three letters or more: words, in identifiers and paths. */
const WORDLIKE = /[a-z]{3,}/g;

/**
 * Whether a run of at least 32 token characters looks random: upper-case letters, lower-case
 * letters and digits all present (so UUIDs, hex trace ids, SPIFFE IDs and lower-case paths are
 * kept); at least {@link TOKEN_MIN_ENTROPY} bits of Shannon entropy per character (random base64
 * of 32 characters has 4.56 at the median, 4.08 at the 0.1th percentile); and less than 60% of it
 * in word-like runs (random 32-character base64 has more in under 0.1% of cases, camel-case
 * identifiers and resource paths such as `projects/p-1/locations/Europe-West1/keyRings/Ring` more).
 */
function looksRandom(run: string): boolean {
  if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9]/.test(run)) return false;
  let wordlike = 0;
  for (const word of run.matchAll(WORDLIKE)) wordlike += word[0].length;
  if (wordlike >= 0.6 * run.length) return false;
  const counts = new Map<string, number>();
  for (const c of run) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / run.length;
    bits -= p * Math.log2(p);
  }
  return bits >= TOKEN_MIN_ENTROPY;
}

/**
 * A string with the secrets its shape gives away redacted: the whole string when it is a Bearer,
 * Basic or ApiKey credential, holds a PEM private key or a SigV4 authorization; otherwise JWTs, Warden API keys, values of
 * secret query parameters (`/x?access_token=[REDACTED]&a=1`, names kept, see `isSecretParam`) and
 * long high-entropy tokens inside it.
 *
 * @example
 * scrubSecretValue('/cb?code=abc&state=1'); // → '/cb?code=[REDACTED]&state=1'
 */
export function scrubSecretValue(s: string): string {
  if (s.length < 3) return s;
  if (CREDENTIAL.test(s)) return REDACTED;
  if (s.includes(PEM_PRIVATE_KEY) || (s.includes('AWS4-HMAC-SHA256') && SIGV4.test(s))) return REDACTED;
  let out = s.includes('eyJ') ? s.replace(JWT_SHAPED, REDACTED) : s;
  if (out.includes('wdn_')) out = out.replace(API_KEY, `$1${REDACTED}`);
  if (out.includes('=')) out = out.replace(PAIR, (pair, lead: string, name: string) => (isSecretParam(name) ? `${lead}${name}=${REDACTED}` : pair));
  if (out.length >= 32 && hasMixedTokenRun(out)) out = out.replace(TOKEN_RUN, (run) => (looksRandom(run) ? `${PATH_HEAD.exec(run)![0]}${REDACTED}` : run));
  return out;
}

/**
 * A pattern (for the `i` flag) that matches somewhere in JSON text holding a string
 * {@link scrubSecretValue} redacts whole or holds a JWT or an API key; a string begins right after its `"`.
 * Secret query parameters are left to the name screen, random tokens to {@link hasMixedTokenRun}.
 */
export const SECRET_VALUE_SCREEN = `eyJ|wdn_|(?:bearer|basic|apikey)(?<="\\s*(?:bearer|basic|apikey))\\s|${PEM_PRIVATE_KEY}|AWS4-HMAC-SHA256`;

const UPPER = /[A-Z]/g;
const isTokenChar = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 95 || c === 45;

/**
 * Whether text has a run of 32 or more token characters holding upper- and lower-case letters and
 * digits (what {@link looksRandom} asks first). Token characters are never escaped in JSON, so a
 * token run in a string lies inside a run at least as long in the JSON text. Only the runs around
 * upper-case letters are looked at: few in most records, and a regex skips to them fast.
 */
export function hasMixedTokenRun(text: string): boolean {
  UPPER.lastIndex = 0;
  for (let found = UPPER.exec(text); found !== null; found = UPPER.exec(text)) {
    let start = found.index;
    while (start > 0 && isTokenChar(text.charCodeAt(start - 1))) start--;
    let end = found.index + 1;
    while (end < text.length && isTokenChar(text.charCodeAt(end))) end++;
    if (end - start >= 32) {
      let seen = 0;
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        seen |= c >= 97 && c <= 122 ? 1 : c >= 48 && c <= 57 ? 2 : 0;
      }
      if (seen === 3) return true;
    }
    UPPER.lastIndex = end;
  }
  return false;
}
