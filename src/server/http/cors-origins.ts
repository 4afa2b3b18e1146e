import { ServiceError } from '../errors.js';

function invalid(message: string): ServiceError {
  return new ServiceError('invalid_config', message);
}

/**
 * `http.cors.origins`, checked: each an exact origin (`scheme://host[:port]`, http or https, no
 * path, query or credentials), as a browser sends it in `Origin`; `[]` when absent (CORS off).
 * `*` is refused: the door authenticates callers by client certificate, API key or token, and a
 * wildcard would hand those credentials' answers to any site.
 *
 * @example
 * corsOrigins(['https://app.example.com']) // → ['https://app.example.com']
 * @throws ServiceError `invalid_config` naming the entry that is wrong
 */
export function corsOrigins(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`http.cors.origins must be a list of origins like "https://app.example.com", not ${JSON.stringify(value)}`);
  return value.map((origin: unknown, i) => {
    const where = `http.cors.origins[${i}]`;
    if (origin === '*') throw invalid(`${where}: "*" is refused: the HTTP door answers callers with credentials (client certificates, API keys, tokens), so each origin must be named`);
    if (typeof origin !== 'string') throw invalid(`${where} must be an origin like "https://app.example.com", not ${JSON.stringify(origin)}`);
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw invalid(`${where} must be an origin like "https://app.example.com" (scheme://host[:port]), not ${JSON.stringify(origin)}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalid(`${where} must use http or https, not ${JSON.stringify(origin)}`);
    if (parsed.origin !== origin) throw invalid(`${where} must be exactly scheme://host[:port] in lower case, without path, query or trailing slash: ${JSON.stringify(origin)} would be ${JSON.stringify(parsed.origin)}`);
    return origin;
  });
}
