/** What the HTTP door's tests share: a small Rego policy for proxies, and HTTP(S) requests with client certificates. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PolicyCompiler } from '../../../src/engine/index.js';
import { compile } from '../../../src/rego/index.js';

/** The subject the tests grant `GET` on `orders` (but not under `/admin`). */
export const FRONTEND = 'spiffe://example.org/ns/shop/sa/frontend';

/**
 * One decision for every door (the Envoy entrypoint defaults to it): the frontend may GET orders
 * outside /admin; a verified token of team "payments" may do anything under /pay; `/boom` fails
 * to evaluate (a division by zero), and `/limited` asks for a limit of one call.
 */
export const FORWARD_AUTH_POLICY = `package warden.authz

default allow := false

# First: the definitions of allow all give true, so evaluation stops at the first that holds
# (early exit, as OPA's evaluator); placed later, /boom for the frontend would be allowed by the
# GET rule before the division ran.
allow if {
	input.parsed_path[0] == "boom"
	1 / (count(input.parsed_path) - count(input.parsed_path)) == 1
}

allow if {
	input.subject.id == "${FRONTEND}"
	input.action == "GET"
	input.resource.service == "orders"
	not startswith(input.resource.path, "/admin")
}

allow if {
	input.subject.authenticated_by == "jwt"
	input.subject.claims.team == "payments"
	input.parsed_path[0] == "pay"
}

allow if {
	input.parsed_path[0] == "limited"
	input.subject.id
}

default reasons := ["not granted"]

reasons := ["granted"] if allow

default limits := []

limits := [{"name": "limited", "key": input.subject.id, "per_second": 0.001, "burst": 1}] if input.parsed_path[0] == "limited"

decision := {"allow": allow, "reasons": reasons, "limits": limits}
`;

export const regoCompiler: PolicyCompiler = (modules, entrypoints) => compile({ modules, entrypoints });

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  /** Client certificate, key and the CA to trust the server by (HTTPS). */
  tls?: { cert?: string; key?: string; ca: string; servername?: string };
  body?: string;
}

/** One HTTP(S) request on a fresh connection; resolves with whatever the server answers. */
export function fetchReply(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
        ...(options.tls ? { cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca, servername: options.tls.servername ?? 'localhost' } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer from ${url} in 15 s`)));
    req.end(options.body);
  });
}
