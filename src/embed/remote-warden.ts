import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadPackageDefinition } from '../server/protos.js';
import { errorMessage, failedResult, type AuthorizeResult } from './authorize-result.js';
import { EmbedError } from './errors.js';
import type { PeerCall } from './peer-call.js';

/** A Warden server to ask instead of deciding in-process. */
export interface RemoteWardenOptions {
  /** `host:port` of `warden serve`. */
  address: string;
  /** This service's client certificate and key, and the CA of Warden's server certificate: PEM text or file paths. */
  tls: { cert: string; key: string; ca: string };
  /** Longest a check may take before it is a deny (default 500 ms). */
  timeoutMs?: number;
  /** The name Warden's certificate is checked against, when it differs from the address's host (`localhost` for `warden dev-cert`). */
  serverName?: string;
}

interface CheckResponse {
  allowed?: boolean;
  reasons?: string[];
  decision_id?: string;
  policy_revision?: string;
  cached?: boolean;
}

type CheckMethod = (request: unknown, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: CheckResponse) => void) => grpc.ClientUnaryCall;

const DEFAULT_TIMEOUT_MS = 500;

function pem(value: unknown, what: string): Buffer {
  if (typeof value !== 'string' || value === '') throw new EmbedError('embed_invalid_options', `remote.tls.${what} must be PEM text or a file path`);
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (e) {
    throw new EmbedError('embed_invalid_options', `remote.tls.${what}: cannot read ${value}: ${errorMessage(e)}`, { cause: e });
  }
}

/**
 * A remote Warden asked through `warden.authz.v1.Authorizer/Check` over mTLS, on one pooled
 * grpc-js channel. The caller is sent as an asserted subject (`subject.spiffe_id`): Warden sees
 * this service as the requester and the caller with `authenticated_by: "requester"`, so its policy
 * must trust this service's assertions for calls into its own service. Every check has a deadline;
 * an error, a timeout or an unreadable answer is a deny saying so, never an allow.
 *
 * @example
 * const warden = new RemoteWarden({ address: 'warden.internal:9191', tls: { cert: 'svc.pem', key: 'svc-key.pem', ca: 'ca.pem' } });
 * const { allowed } = await warden.check(call);
 * @throws EmbedError `embed_invalid_options` for a missing address or unreadable TLS files
 */
export class RemoteWarden {
  private readonly client: grpc.Client;
  private readonly checkMethod: CheckMethod;
  private readonly timeoutMs: number;

  constructor(options: RemoteWardenOptions) {
    if (typeof options?.address !== 'string' || !/:\d+$/.test(options.address)) throw new EmbedError('embed_invalid_options', `remote.address must be host:port, not ${JSON.stringify(options?.address)}`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new EmbedError('embed_invalid_options', `remote.timeoutMs must be a positive number, not ${JSON.stringify(timeoutMs)}`);
    this.timeoutMs = timeoutMs;
    const credentials = grpc.credentials.createSsl(pem(options.tls?.ca, 'ca'), pem(options.tls?.key, 'key'), pem(options.tls?.cert, 'cert'));
    const pkg = grpc.loadPackageDefinition(loadPackageDefinition()) as unknown as { warden: { authz: { v1: { Authorizer: grpc.ServiceClientConstructor } } } };
    const channelOptions = options.serverName ? { 'grpc.ssl_target_name_override': options.serverName, 'grpc.default_authority': options.serverName } : {};
    this.client = new pkg.warden.authz.v1.Authorizer(options.address, credentials, channelOptions);
    const method = (this.client as unknown as { Check: CheckMethod }).Check;
    this.checkMethod = method.bind(this.client);
  }

  /** Asks Warden about `call`; resolves to a deny (never rejects) when Warden cannot answer in time. */
  check(call: PeerCall): Promise<AuthorizeResult> {
    const request = { action: call.action, resource: { service: call.service, path: call.path }, subject: { spiffe_id: call.caller.id } };
    return new Promise((resolve) => {
      try {
        this.checkMethod(request, { deadline: Date.now() + this.timeoutMs }, (error, response) => {
          if (error) resolve(failedResult(`remote Warden check failed: ${grpc.status[error.code] ?? error.code}: ${error.details || error.message}`));
          else if (!response || typeof response.decision_id !== 'string') resolve(failedResult('remote Warden check failed: the answer has no decision id'));
          else {
            resolve({
              allowed: response.allowed === true,
              reasons: Array.isArray(response.reasons) ? response.reasons : [],
              decision_id: response.decision_id,
              cached: response.cached === true,
              policy_revision: response.policy_revision ?? '',
            });
          }
        });
      } catch (e) {
        resolve(failedResult(`remote Warden check failed: ${errorMessage(e)}`));
      }
    });
  }

  /** Closes the channel; later checks are denied. */
  close(): void {
    this.client.close();
  }
}
