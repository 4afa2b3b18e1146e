/** HTTPS requests to a console from a test: its CA trusted, an optional client certificate, any Host. */
import { request } from 'node:https';

export interface ConsoleAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ConsoleRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM client certificate and key. */
  cert?: { cert: string; key: string };
}

/** Sends one request to `url` (https://127.0.0.1:port/...) trusting `ca`. */
export function consoleRequest(url: string, ca: string, options: ConsoleRequest = {}): Promise<ConsoleAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, ca, servername: 'localhost', ...(options.cert ?? {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url} in 10 s`)));
    req.end(options.body);
  });
}

/** The session cookie's `name=value` from a Set-Cookie header. */
export function sessionCookieOf(answer: ConsoleAnswer): string {
  const set = answer.headers['set-cookie'];
  const line = (Array.isArray(set) ? set : [set ?? '']).find((c) => c.startsWith('__Host-warden-console='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(answer.headers)}`);
  return line.split(';')[0]!;
}
