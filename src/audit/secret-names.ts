/**
 * Which names (object keys, query parameters) hold secrets. A name is normalised by its pattern
 * rather than by rewriting it: case is ignored, `-`, `_`, `.` and other punctuation separate
 * words, a camel-case hump (`userPin`, `signingKey`) starts a word, and the prefixes `x-` and
 * `http-` do not matter. Names are matched as they are (no lowercasing): the same patterns run
 * over the JSON text of a whole record in the screen (see {@link SECRET_NAME_SCREEN}), so what
 * they match inside a name they also match inside that text.
 */

/** Long names that are secrets wherever they appear inside a name (`x-auth-token`, `set-cookie`, `accessToken`). */
const INSIDE =
  /password|passwd|passphrase|passcode|secret|token|cookie|credential|signature|session|csrf|xsrf|authorization|api[-_.]?key|private[-_.]?key|access[-_.]?key|client[-_.]?cert/i;

/**
 * Short names that are secrets only as a whole word of a name (`user_pin`, `otpCode`, `X-Sig`),
 * so that `spinner`, `design` or `inside` are left alone.
 */
const WORDS = ['pin', 'otp', 'pwd', 'sig', 'sid', 'jwt', 'refresh'];

/**
 * `word`, `Word` and `WORD` starting a word: after a non-alphanumeric (or nothing), or, capitalised,
 * after a lower-case letter or digit (a camel hump). The word comes first and its start is checked
 * behind it, which keeps the pattern fast on long text.
 */
function wordPattern(words: string[], end: string): string {
  const lower = words.join('|');
  const upper = words.flatMap((w) => [`${w[0]!.toUpperCase()}${w.slice(1)}`, w.toUpperCase()]).join('|');
  return `(?:(?:${lower})(?<![A-Za-z0-9](?:${lower}))|(?:${upper})(?<![A-Z](?:${upper})))${end}`;
}

/** A word ends before a non-alphanumeric (or nothing), or before an upper-case letter after a lower-case one. */
const WORD_END = '(?:(?![A-Za-z0-9])|(?<=[a-z])(?=[A-Z]))';
const SHORT = new RegExp(wordPattern(WORDS, WORD_END));

/** `key` as the last word of a name (`key`, `signing_key`, `signingKey`; not `monkey`, `keys`, `key_id`). */
const LAST_KEY = new RegExp(wordPattern(['key'], '$'));

/** `auth` as the whole name, after the prefixes (`auth`, `X-Auth`, `http_x_auth`). */
const WHOLE_AUTH = /^(?:(?:x|http)[-_.])*auth$/i;

/** Query parameters that are secrets in URLs though harmless as key names (OAuth's authorization `code`). */
const QUERY_ONLY = /^code$/i;

/**
 * True for key names that hold secrets by convention: `authorization`, `cookie`, `*token*`,
 * `password`, `*_key`, `x-session`, `x-amz-signature`, `x-csrf-token`, `x-forwarded-client-cert`,
 * `pin`, `otp`, `pwd`, `sig`, `refresh`, `auth`, ….
 *
 * @example
 * isSecretKey('X-Amz-Signature'); // → true
 * isSecretKey('spinner'); // → false
 */
export function isSecretKey(key: string): boolean {
  return INSIDE.test(key) || SHORT.test(key) || LAST_KEY.test(key) || WHOLE_AUTH.test(key);
}

/** True for query parameter names whose values are secrets: the secret key names, and `code`. */
export function isSecretParam(name: string): boolean {
  return isSecretKey(name) || QUERY_ONLY.test(name);
}

/**
 * Patterns that match somewhere in JSON text holding any name {@link isSecretParam} accepts, as a
 * key or as a parameter inside a string value (`…?code=`): `anyCase` for the `i` flag, `cased`
 * without. A name in JSON text is followed by `"` or `=` and preceded by `"` or a delimiter, none
 * of them letters or digits, so these word-bounded patterns find it there too; only an escaped
 * neighbour (`\n`) could hide a boundary, which the screen that uses them must treat apart.
 */
export const SECRET_NAME_SCREEN = {
  anyCase: `${INSIDE.source}|auth(?<![A-Za-z0-9]auth)(?![A-Za-z0-9])|code=(?<![A-Za-z0-9]code=)`,
  cased: `${wordPattern(WORDS, WORD_END)}|${wordPattern(['key'], '(?![A-Za-z0-9])')}`,
};
