import { Metadata, ServerInterceptingCall, status, type ServerInterceptingCallInterface, type ServerInterceptor, type ServerUnaryCall } from '@grpc/grpc-js';
import { connectionIdentity, type ConnectionIdentity } from '../server/connection-identity.js';
import { DECISION_ID_HEADER } from '../server/envoy-response.js';
import { errorMessage, type AuthorizeResult, type MaybeResult } from './authorize-result.js';
import { callDecider, type DeciderOptions } from './call-decider.js';
import { EmbedError } from './errors.js';

/** Options of {@link wardenInterceptor}: where decisions come from, and what a denied caller is told. */
export type InterceptorOptions = DeciderOptions & {
  /** Put the decision's reasons in the PERMISSION_DENIED details (default false: only the decision id, the reasons stay in the decision log). */
  exposeReasons?: boolean;
  /**
   * `resource.service` of every call (default: the called gRPC service's full name, `pkg.Service`).
   * Policies that grant by service account name (the bundled one) want this service's own name.
   */
  service?: string;
};

/** A grpc-js server interceptor that also releases what it opened (a remote Warden's channel). */
export type WardenInterceptor = ServerInterceptor & { close(): void };

/** `pkg.Service` of a method path `/pkg.Service/Method`. */
export function serviceOfMethod(path: string): string {
  return path.slice(1, Math.max(1, path.lastIndexOf('/')));
}

/**
 * The caller of `call` from its verified client certificate, worked out once per HTTP/2 session
 * and its validity window re-checked on every call (as `warden serve` does; see connectionIdentity).
 */
function callerOf(call: ServerInterceptingCallInterface): ConnectionIdentity {
  const asUnary = { call, getAuthContext: () => call.getAuthContext(), getPeer: () => call.getPeer() };
  return connectionIdentity(asUnary as unknown as ServerUnaryCall<unknown, unknown>);
}

function trailers(decisionId?: string): Metadata {
  const metadata = new Metadata();
  if (decisionId) metadata.set(DECISION_ID_HEADER, decisionId);
  return metadata;
}

/**
 * A grpc-js server interceptor (grpc-js ≥ 1.10, `new Server({ interceptors: [wardenInterceptor(...)] })`)
 * that authorizes every incoming call before its handler runs: the caller is the SPIFFE ID of its
 * verified client certificate, the action the method path (`/pkg.Service/Method`), the resource
 * `{ service: options.service ?? "pkg.Service", path: the method path }`. The call's metadata is held back until the
 * decision: an allowed call goes on untouched; a denied one ends with PERMISSION_DENIED (and an
 * `x-warden-decision-id` trailer) and its handler never sees it; a call without a usable client
 * certificate ends with UNAUTHENTICATED. A decision that fails is a deny.
 *
 * The server must ask for client certificates (`ServerCredentials.createSsl(ca, keys, true)`).
 *
 * @example
 * const authorizer = await createAuthorizer({ policies: './policies' });
 * const server = new grpc.Server({ interceptors: [wardenInterceptor({ authorizer })] });
 * @throws EmbedError `embed_invalid_options` unless exactly one of `authorizer` and `remote` is given, or for an empty `service`
 */
export function wardenInterceptor(options: InterceptorOptions): WardenInterceptor {
  if (options?.service !== undefined && (typeof options.service !== 'string' || options.service === '')) throw new EmbedError('embed_invalid_options', 'service must be a non-empty string when given');
  const decider = callDecider(options);
  const serviceOf = options.service === undefined ? serviceOfMethod : () => options.service!;
  const exposeReasons = options.exposeReasons === true;
  const denied = (call: ServerInterceptingCallInterface, result: AuthorizeResult) => {
    const why = exposeReasons && result.reasons.length > 0 ? `: ${result.reasons.join('; ')}` : '';
    call.sendStatus({ code: status.PERMISSION_DENIED, details: `permission denied${why} (decision ${result.decision_id})`, metadata: trailers(result.decision_id) });
  };
  const interceptor: ServerInterceptor = (method, call) =>
    new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            let caller: ConnectionIdentity;
            try {
              caller = callerOf(call);
            } catch (e) {
              call.sendStatus({ code: status.UNAUTHENTICATED, details: `client certificate rejected: ${errorMessage(e)}`, metadata: trailers() });
              return;
            }
            const apply = (result: AuthorizeResult) => (result.allowed ? pass(metadata) : denied(call, result));
            const fail = (e: unknown) => call.sendStatus({ code: status.PERMISSION_DENIED, details: `permission denied: authorization failed: ${errorMessage(e)}`, metadata: trailers() });
            let result: MaybeResult;
            try {
              result = decider.decide({ caller: caller.requester, action: method.path, service: serviceOf(method.path), path: method.path, sourceIp: caller.sourceIp });
            } catch (e) {
              fail(e);
              return;
            }
            // Only the decision's failures deny: what the handler does once passed is its own.
            if (result instanceof Promise) void result.then(apply, fail);
            else apply(result);
          },
        }),
    });
  return Object.assign(interceptor, { close: () => decider.close() });
}
