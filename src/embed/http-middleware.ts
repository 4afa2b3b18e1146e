import type { IncomingMessage, ServerResponse } from 'node:http';
import { DECISION_ID_HEADER } from '../server/envoy-response.js';
import { errorMessage, failedResult, type AuthorizeResult } from './authorize-result.js';
import { callDecider, type DeciderOptions } from './call-decider.js';
import { EmbedError } from './errors.js';
import { tlsPeer } from './tls-peer.js';

/** Options of {@link wardenMiddleware}. */
export type MiddlewareOptions = DeciderOptions & {
  /** The service name policies see as `resource.service` (this service's own). */
  service: string;
  /** Put the decision's reasons in the 403 body (default false: only the decision id; the reasons stay in the decision log). */
  exposeReasons?: boolean;
};

/**
 * `(req, res, next?)`: calls `next()` and returns `true` when the call is allowed; otherwise answers
 * it (401 or 403, a short JSON body) and returns `false`. A promise of that only when the decision
 * had to wait (a remote Warden).
 */
export type WardenMiddleware = ((req: IncomingMessage, res: ServerResponse, next?: () => void) => boolean | Promise<boolean>) & { close(): void };

function send(res: ServerResponse, statusCode: number, body: Record<string, unknown>, decisionId?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = statusCode;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  if (decisionId) res.setHeader(DECISION_ID_HEADER, decisionId);
  res.end(text);
}

/**
 * Node HTTP middleware that authorizes every request from the TLS client certificate: the caller
 * is the SPIFFE ID of the certificate the handshake verified, the action the HTTP method, the
 * resource `{ service: options.service, path: the URL path without query }`. No usable
 * certificate: 401 `{"error":"unauthenticated","message":…}`; denied: 403
 * `{"error":"permission_denied","decision_id":…}`, both with `x-warden-decision-id` when a
 * decision was made. A decision that fails is a 403.
 *
 * The HTTPS server must ask for client certificates (`requestCert: true`, `ca`); with
 * `rejectUnauthorized: false`, unverified callers get the 401 here instead of a failed handshake.
 *
 * @example
 * const guard = wardenMiddleware({ authorizer, service: 'orders' });
 * https.createServer({ key, cert, ca, requestCert: true }, (req, res) => guard(req, res, () => handle(req, res)));
 * app.use(guard); // Express
 * @throws EmbedError `embed_invalid_options` for a missing service name, or unless exactly one of `authorizer` and `remote` is given
 */
export function wardenMiddleware(options: MiddlewareOptions): WardenMiddleware {
  if (typeof options?.service !== 'string' || options.service === '') throw new EmbedError('embed_invalid_options', 'service must name this service (resource.service in the policy input)');
  const decider = callDecider(options);
  const { service } = options;
  const exposeReasons = options.exposeReasons === true;
  const settle = (res: ServerResponse, result: AuthorizeResult, next: (() => void) | undefined): boolean => {
    if (result.allowed) {
      next?.();
      return true;
    }
    send(res, 403, { error: 'permission_denied', decision_id: result.decision_id, ...(exposeReasons ? { reasons: result.reasons } : {}) }, result.decision_id);
    return false;
  };
  const middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void): boolean | Promise<boolean> => {
    let peer: ReturnType<typeof tlsPeer>;
    try {
      peer = tlsPeer(req.socket);
    } catch (e) {
      send(res, 401, { error: 'unauthenticated', message: errorMessage(e) });
      return false;
    }
    let result: AuthorizeResult | Promise<AuthorizeResult>;
    try {
      const path = (req.url ?? '/').split(/[?#]/, 1)[0]!;
      result = decider.decide({ caller: peer.caller, action: req.method ?? '', service, path, sourceIp: peer.sourceIp });
    } catch (e) {
      result = failedResult(`authorization failed: ${errorMessage(e)}`);
    }
    if (result instanceof Promise) {
      return result.then(
        (r) => settle(res, r, next),
        (e: unknown) => settle(res, failedResult(`authorization failed: ${errorMessage(e)}`), next),
      );
    }
    return settle(res, result, next);
  };
  return Object.assign(middleware, { close: () => decider.close() });
}
