import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A year: browsers keep to HTTPS for that long once they have seen it (the commonly recommended minimum). */
const HSTS_MAX_AGE_S = 31_536_000;

/**
 * Headers every answer of an HTTP surface carries, whatever the route: the browser must not sniff
 * a JSON or text answer into HTML, nor keep it in a cache, and (over TLS) must come back only over
 * TLS. Set on the response before a route runs, so error answers and 404s carry them too.
 */
export function webHeaders(tls: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...(tls ? { 'strict-transport-security': `max-age=${HSTS_MAX_AGE_S}` } : {}),
  };
}

const HEADER_LISTS = { plain: Object.entries(webHeaders(false)), tls: Object.entries(webHeaders(true)) };

/** Sets {@link webHeaders} on `res` before a route runs; `sendAnswer` keeps them over a route's own of the same name. */
export function setWebHeaders(res: ServerResponse, tls: boolean): void {
  for (const [name, value] of tls ? HEADER_LISTS.tls : HEADER_LISTS.plain) res.setHeader(name, value);
}

/** Status for the parse errors node:http reports before any request exists. */
function clientErrorStatus(code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'Request Header Fields Too Large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'Request Timeout'];
  return [400, 'Bad Request'];
}

/**
 * Answers a request node:http could not parse (or did not receive in time) the way node would, but
 * with a JSON body and {@link webHeaders}, then closes the connection: no answer of the listener
 * goes out without them.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket, tls: boolean): void {
  // An answer already under way cannot be followed by another (node's own handler checks the same).
  if (error.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, text] = clientErrorStatus(error.code);
  const body = JSON.stringify({ error: text.toLowerCase() });
  const headers = { 'content-type': 'application/json', ...webHeaders(tls), connection: 'close', 'content-length': String(Buffer.byteLength(body)) };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${head}\r\n${body}`);
}
