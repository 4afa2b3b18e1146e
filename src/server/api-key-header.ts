import type { EnvoyHttpRequest } from './request-types.js';

const SCHEME = /^\s*apikey\s+(\S+)\s*$/i;

/** The key a header holds: all of `x-api-key`, or what follows the `ApiKey` scheme of `authorization`. */
function keyIn(name: string, value: string): string | undefined {
  if (name === 'x-api-key') return value.trim();
  if (name === 'authorization') return SCHEME.exec(value)?.[1];
  return undefined;
}

function headerValue(h: { value?: string; raw_value?: string }): string {
  return h.value ?? (h.raw_value ? Buffer.from(h.raw_value, 'base64').toString('utf8') : '');
}

/**
 * Takes the API key out of a request's headers — `x-api-key: <key>`, or `authorization: ApiKey
 * <key>` (the first wins) — and removes every header that held one, from `headers` and from
 * `header_map`, so that the key reaches neither the policy input nor any log. `undefined` when the
 * request carries none.
 *
 * @example
 * takeApiKey({ headers: { 'x-api-key': 'wdn_…' } }) // → 'wdn_…', and the header is gone
 */
export function takeApiKey(http: EnvoyHttpRequest | undefined): string | undefined {
  if (!http) return undefined;
  let found: string | undefined;
  const headers = http.headers;
  if (headers) {
    for (const name of ['x-api-key', 'authorization']) {
      const value = headers[name];
      if (value === undefined) continue;
      const key = keyIn(name, value);
      if (key === undefined) continue;
      found ??= key;
      delete headers[name];
    }
  }
  const map = http.header_map?.headers;
  if (map) {
    http.header_map!.headers = map.filter((h) => {
      const key = h.key ? keyIn(h.key.toLowerCase(), headerValue(h)) : undefined;
      if (key === undefined) return true;
      found ??= key;
      return false;
    });
  }
  return found;
}
