import { request as httpsRequest } from 'node:https';
import { OPAClient } from '@styra/opa';
import { HTTPClient } from '@styra/opa/lib/http.js';

/** A client certificate, its key, and the CA the server's certificate is trusted by. */
export interface ClientTls {
  cert: string;
  key: string;
  ca: string;
}

/**
 * A `fetch` for the SDK's HTTPClient that speaks HTTPS with a client certificate (the global fetch
 * takes none without undici's Agent, which is not a dependency here).
 */
function mtlsFetcher(tls: ClientTls): (req: Request) => Promise<Response> {
  return async (req) => {
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.from(await req.arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      const out = httpsRequest(
        req.url,
        { method: req.method, headers: Object.fromEntries(req.headers), cert: tls.cert, key: tls.key, ca: tls.ca, servername: 'localhost', agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers }));
          });
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  };
}

/** OPA's own TypeScript SDK pointed at `address`, over mTLS with `tls`, or plain HTTP without it. */
export function opaClient(address: string, tls?: ClientTls): OPAClient {
  if (!tls) return new OPAClient(`http://${address}`);
  return new OPAClient(`https://${address}`, { sdk: { httpClient: new HTTPClient({ fetcher: mtlsFetcher(tls) }) } });
}
