import type { ServerResponse } from 'node:http';

/**
 * The console's Content Security Policy: only its own scripts, styles and connections; no plugins,
 * no `<base>`, no framing. The bundled front end needs nothing inline.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Headers on every console answer (issue 22); HSTS as the console is always served over TLS. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000',
};

/** Sets the console headers; `cacheable` only for content-hashed assets, everything else is `no-store`. */
export function setConsoleHeaders(res: ServerResponse, cacheable = false): void {
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) res.setHeader(name, value);
  res.setHeader('cache-control', cacheable ? 'public, max-age=31536000, immutable' : 'no-store');
}

/** Writes a JSON answer (headers already set by the server). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(`${JSON.stringify(body)}\n`);
}

/** Writes a plain-text answer: never HTML, so nothing in it can run. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${text}\n`);
}
