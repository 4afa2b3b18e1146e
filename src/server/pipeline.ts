import type { handleUnaryCall, ServerUnaryCall, ServiceError as GrpcServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { DecisionApi, DecisionRecord, DecisionResult, DecisionSink, WardenMetrics } from '../audit/index.js';
import type { Identity } from '../identity/index.js';
import { connectionIdentity } from './connection-identity.js';
import { ServiceError } from './service-error.js';
import { toGrpcStatus } from './status-mapping.js';
import { rejectMalformed } from './validation.js';

/** A decision made while handling a call, logged and counted by the audit stage. */
export interface DecisionEntry {
  record: DecisionRecord;
  result: DecisionResult;
  /** `true` hit, `false` miss, `undefined` when no lookup happened (a rejected token). */
  cacheHit: boolean | undefined;
}

/** Per-call state the stages fill in for the handler. */
export interface CallState {
  readonly api: DecisionApi;
  readonly method: string;
  /** `process.hrtime.bigint()` when the call reached the service. */
  readonly started: bigint;
  /** Set by the identity stage. */
  requester: Identity;
  /** The peer's IP. */
  sourceIp: string;
  /** Decisions made by the handler, for the audit stage. */
  readonly decisions: DecisionEntry[];
}

/** What the stages need. */
export interface PipelineDeps {
  logger: Logger;
  decisionLog: DecisionSink;
  metrics: WardenMetrics;
}

type Next<Res> = () => Promise<Res>;
type Stage<Req, Res> = (call: ServerUnaryCall<Req, Res>, state: CallState, next: Next<Res>) => Promise<Res>;

/** Milliseconds elapsed since `started`. */
export function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function deadlineMs(call: ServerUnaryCall<unknown, unknown>): number {
  const d = call.getDeadline();
  return d instanceof Date ? d.getTime() : d;
}

/** Fails the call when the client's deadline has already passed, before and after the work. */
const deadline: Stage<unknown, unknown> = async (call, _state, next) => {
  const at = deadlineMs(call);
  if (Number.isFinite(at) && Date.now() >= at) throw new ServiceError('deadline_exceeded', 'deadline exceeded before the check started');
  const res = await next();
  if (Number.isFinite(at) && Date.now() >= at) throw new ServiceError('deadline_exceeded', 'deadline exceeded during the check');
  return res;
};

/** Establishes the requester from the verified client certificate; no certificate, no service. */
const identity: Stage<unknown, unknown> = async (call, state, next) => {
  try {
    const { requester, sourceIp } = connectionIdentity(call);
    state.requester = requester;
    state.sourceIp = sourceIp;
  } catch (e) {
    throw new ServiceError('unauthenticated', e instanceof Error ? e.message : 'client certificate rejected', { cause: e });
  }
  return next();
};

/**
 * The fixed chain around every unary handler: recovery → deadline → identity → validation → audit
 * → logging → handler. Recovery (outermost) maps any error to a gRPC status through
 * `toGrpcStatus`, the only place that does. Decision logs are written after the response is sent.
 *
 * @example
 * const Check = unaryPipeline(deps, 'authorizer', '/warden.authz.v1.Authorizer/Check', validate, handle);
 */
export function unaryPipeline<Req, Res>(
  deps: PipelineDeps,
  api: DecisionApi,
  method: string,
  validate: (req: Req) => void,
  handle: (req: Req, state: CallState) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  const validation: Stage<Req, Res> = async (call, _state, next) => {
    rejectMalformed(call.request);
    validate(call.request);
    return next();
  };

  const audit: Stage<Req, Res> = async (_call, state, next) => {
    try {
      return await next();
    } finally {
      // Counted now, written after the response leaves (see recovery).
      for (const d of state.decisions) {
        deps.metrics.recordDecision(api, d.result, d.record.latency / 1000);
        if (d.cacheHit !== undefined) deps.metrics.recordCache(d.cacheHit);
      }
    }
  };

  const logging: Stage<Req, Res> = async (call, state, next) => {
    try {
      const res = await next();
      if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ method, requester: state.requester.id, ms: elapsedMs(state.started) }, 'call');
      return res;
    } catch (e) {
      const known = e instanceof ServiceError;
      deps.logger[known ? 'debug' : 'error']({ method, requester: state.requester?.id, err: known ? { code: e.code, message: e.message } : e }, 'call failed');
      throw e;
    }
  };

  const stages = [deadline as Stage<Req, Res>, identity as Stage<Req, Res>, validation, audit, logging];

  return (call, callback) => {
    const state = { api, method, started: process.hrtime.bigint(), sourceIp: '', decisions: [] } as unknown as CallState;
    const run = (i: number): Promise<Res> => (i === stages.length ? handle(call.request, state) : stages[i]!(call, state, () => run(i + 1)));
    const writeDecisions = () => {
      for (const d of state.decisions) deps.decisionLog.write(d.record);
    };
    // Recovery: whatever happens below, the call gets exactly one answer and the process lives on.
    let promise: Promise<Res>;
    try {
      promise = run(0);
    } catch (e) {
      promise = Promise.reject(e);
    }
    promise.then(
      (res) => {
        callback(null, res);
        writeDecisions();
      },
      (e: unknown) => {
        const status = toGrpcStatus(e);
        const err = Object.assign(new Error(status.details), { code: status.code, details: status.details, metadata: new Metadata() }) as GrpcServiceError;
        try {
          callback(err);
        } catch (sendError) {
          deps.logger.error({ method, err: sendError }, 'cannot send error status');
        }
        writeDecisions();
      },
    );
  };
}
