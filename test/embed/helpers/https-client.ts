/** One HTTPS request with (or without) a client certificate, answered as status, headers and JSON body. */
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function httpsRequest(port: number, options: { method?: string; path?: string; ca: string; cert?: string; key?: string }): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', servername: 'localhost', port, method: options.method ?? 'GET', path: options.path ?? '/', ca: options.ca, cert: options.cert, key: options.key, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
