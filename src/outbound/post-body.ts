import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type Agent } from 'node:https';

/** What a POST came to: the status, and `Retry-After` when the server sent one. */
export interface PostAnswer {
  status: number;
  retryAfter: string | null;
}

export interface PostOptions {
  headers: Record<string, string>;
  body: Buffer;
  /** For https: the agent carrying the private CA and client certificate (outbound-tls.ts). */
  agent?: Agent;
  signal: AbortSignal;
}

/**
 * POSTs `body` to `url` with node:http(s), so that an https collector can be reached with a private
 * CA and a client certificate (Node's `fetch` takes neither without undici's own Agent). Resolves
 * once the answer is read to its end; rejects on a network error or when `signal` aborts.
 */
export function postBody(url: string, options: PostOptions): Promise<PostAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...options.headers, 'Content-Length': String(options.body.length) },
        signal: options.signal,
        ...(target.protocol === 'https:' && options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        res.on('data', () => undefined);
        res.once('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null }));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}
