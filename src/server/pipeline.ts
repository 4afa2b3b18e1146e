import type { handleUnaryCall, ServerUnaryCall, ServiceError as GrpcServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { DecisionApi, DecisionRecord, DecisionResult, DecisionSink, WardenMetrics } from '../audit/index.js';
import type { Decision } from '../engine/index.js';
import type { ClientTrust } from './client-trust.js';
import { connectionIdentity, type ConnectionChecks, type ConnectionIdentity } from './connection-identity.js';
import { ServiceError } from './errors.js';
import { toGrpcStatus } from './status-mapping.js';

/** A decision made while handling a call, logged and counted once the call is answered. */
export interface DecisionEntry {
  /** The decision log record, or its JSON text when the handler built that itself. */
  record: DecisionRecord | string;
  result: DecisionResult;
  /** `true` hit, `false` miss, `undefined` when no lookup happened (a rejected token). */
  cacheHit: boolean | undefined;
  /** Milliseconds from the call reaching the service to the decision. */
  latencyMs: number;
}

/** The metrics' result label of a decision. */
export function decisionResult(decision: Decision): DecisionResult {
  return decision.failure !== undefined ? 'error' : decision.allow ? 'allow' : 'deny';
}

/** Per-call state for the handler. */
export interface CallState {
  readonly api: DecisionApi;
  readonly method: string;
  /** `performance.now()` when the call reached the service. */
  readonly started: number;
  /** The verified requester of the call's connection, and its address. */
  readonly connection: ConnectionIdentity;
  /** Decisions made by the handler, for the decision log and metrics. */
  readonly decisions: DecisionEntry[];
}

/** What the pipeline needs. */
export interface PipelineDeps {
  logger: Logger;
  decisionLog: DecisionSink;
  metrics: WardenMetrics;
  /** The client CAs trusted now; without it, connections are not re-anchored after a rotation. */
  trust?: ClientTrust;
}

/** Milliseconds elapsed since `started` (a `performance.now()` reading). */
export function elapsedMs(started: number): number {
  return performance.now() - started;
}

function deadlineMs(call: ServerUnaryCall<unknown, unknown>): number {
  const d = call.getDeadline();
  return d instanceof Date ? d.getTime() : d;
}

function identify(call: ServerUnaryCall<unknown, unknown>, checks: ConnectionChecks): ConnectionIdentity {
  try {
    return connectionIdentity(call, checks);
  } catch (e) {
    throw new ServiceError('unauthenticated', e instanceof Error ? e.message : 'client certificate rejected', { cause: e });
  }
}

/**
 * Every unary handler runs inside this: the client's deadline is checked before and after the
 * work, the requester is established from the verified client certificate (no certificate, no
 * service; an expired one, or one a client CA rotation no longer trusts, neither, on every call
 * however old the connection), then the handler decides. Whatever happens, the call gets exactly one answer, errors
 * become gRPC statuses in `toGrpcStatus` only, and the process lives on. Decisions are counted when
 * the answer is ready and written to the decision log after it is sent.
 *
 * A handler that can decide at once returns its response rather than a promise: the call is then
 * answered in the same turn, with no promise in between.
 *
 * @example
 * const Check = unaryPipeline(deps, 'authorizer', '/warden.authz.v1.Authorizer/Check', (req, state) => decide(req, state));
 */
export function unaryPipeline<Req, Res>(
  deps: PipelineDeps,
  api: DecisionApi,
  method: string,
  handle: (req: Req, state: CallState) => Res | Promise<Res>,
): handleUnaryCall<Req, Res> {
  const checks: ConnectionChecks = { trust: deps.trust, onClosed: (reason) => deps.metrics.recordConnectionClosed(reason) };
  return (call, callback) => {
    const started = performance.now();
    const deadline = deadlineMs(call);
    let state: CallState | undefined;

    const finish = (error: unknown, response: Res | undefined): void => {
      if (error === undefined && Number.isFinite(deadline) && Date.now() >= deadline) {
        error = new ServiceError('deadline_exceeded', 'deadline exceeded during the check');
      }
      const decisions = state?.decisions ?? [];
      for (const d of decisions) {
        deps.metrics.recordDecision(api, d.result, d.latencyMs / 1000);
        if (d.cacheHit !== undefined) deps.metrics.recordCache(d.cacheHit);
      }
      if (error === undefined) {
        if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ method, requester: state?.connection.requester.id, ms: elapsedMs(started) }, 'call');
        callback(null, response);
      } else {
        const requester = state?.connection.requester.id;
        if (error instanceof ServiceError) deps.logger.debug({ method, requester, err: { code: error.code, message: error.message } }, 'call failed');
        else deps.logger.error({ method, requester, err: error }, 'call failed');
        const status = toGrpcStatus(error);
        const sent = Object.assign(new Error(status.details), { code: status.code, details: status.details, metadata: new Metadata() }) as GrpcServiceError;
        try {
          callback(sent);
        } catch (sendError) {
          deps.logger.error({ method, err: sendError }, 'cannot send error status');
        }
      }
      for (const d of decisions) deps.decisionLog.write(d.record);
    };

    let result: Res | Promise<Res>;
    try {
      if (Number.isFinite(deadline) && Date.now() >= deadline) throw new ServiceError('deadline_exceeded', 'deadline exceeded before the check started');
      state = { api, method, started, connection: identify(call, checks), decisions: [] };
      result = handle(call.request, state);
    } catch (e) {
      finish(e ?? new Error('handler threw nothing'), undefined);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (response) => finish(undefined, response),
        (e: unknown) => finish(e ?? new Error('handler rejected with nothing'), undefined),
      );
    } else finish(undefined, result);
  };
}
