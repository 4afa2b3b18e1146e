import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadPackageDefinition } from './protos.js';

export interface CheckCallOptions {
  /** `host:port` of a Warden server. */
  address: string;
  /** Client certificate, its key, and the CA that signed the server's certificate (PEM files). */
  cert: string;
  key: string;
  ca: string;
  action: string;
  service: string;
  path?: string;
  /** Decide for this SPIFFE ID instead of the caller's own identity. */
  asSpiffeId?: string;
  /** Decide for the holder of this API key (`warden keys create`), which Warden verifies. */
  apiKey?: string;
  timeoutMs?: number;
}

export interface CheckAnswer {
  allowed: boolean;
  reasons: string[];
  decision_id: string;
  policy_revision: string;
  cached: boolean;
  /** Set when a rate limit or a ban turned the call away: ms until a retry may succeed. */
  retry_after_ms?: number;
}

/** One `warden.authz.v1.Authorizer/Check` call over mTLS, as a service or a person at a terminal would make it. */
export function checkOnce(options: CheckCallOptions): Promise<CheckAnswer> {
  const pkg = grpc.loadPackageDefinition(loadPackageDefinition()) as unknown as {
    warden: { authz: { v1: { Authorizer: grpc.ServiceClientConstructor } } };
  };
  const credentials = grpc.credentials.createSsl(readFileSync(options.ca), readFileSync(options.key), readFileSync(options.cert));
  // The dev CA names the server `localhost`; SNI may not carry an IP address.
  const host = options.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const channelOptions = /^[\d.]+$|:/.test(host) ? { 'grpc.ssl_target_name_override': 'localhost' } : {};
  const client = new pkg.warden.authz.v1.Authorizer(options.address, credentials, channelOptions);
  const request = {
    action: options.action,
    resource: { service: options.service, path: options.path ?? '', attributes: {} },
    ...(options.apiKey !== undefined ? { subject: { api_key: options.apiKey } } : options.asSpiffeId ? { subject: { spiffe_id: options.asSpiffeId } } : {}),
  };
  const check = client.Check;
  if (!check) throw new Error('the Authorizer service has no Check method (protos out of date)');
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + (options.timeoutMs ?? 5000));
    check.call(client, request, { deadline }, (err: grpc.ServiceError | null, res: CheckAnswer) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    });
  });
}
