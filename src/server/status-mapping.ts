import { status as Status } from '@grpc/grpc-js';
import { EngineError } from '../engine/index.js';
import { IdentityError } from '../identity/index.js';
import { ServiceError } from './errors.js';

/** A gRPC status to send. */
export interface GrpcStatus {
  code: Status;
  details: string;
}

const SERVICE: Record<ServiceError['code'], Status> = {
  invalid_argument: Status.INVALID_ARGUMENT,
  resource_exhausted: Status.RESOURCE_EXHAUSTED,
  unauthenticated: Status.UNAUTHENTICATED,
  deadline_exceeded: Status.DEADLINE_EXCEEDED,
  unavailable: Status.UNAVAILABLE,
  invalid_config: Status.INTERNAL,
  internal: Status.INTERNAL,
};

/**
 * The one place errors become gRPC statuses. Errors Warden does not know become INTERNAL with a
 * generic message, so nothing about the process leaks to a caller.
 *
 * @example
 * callback({ ...toGrpcStatus(err), name: 'Error', message: '' } as ServiceError);
 */
export function toGrpcStatus(error: unknown): GrpcStatus {
  if (error instanceof ServiceError) {
    return { code: SERVICE[error.code], details: error.code === 'internal' || error.code === 'invalid_config' ? 'internal error' : error.message };
  }
  if (error instanceof IdentityError) {
    if (error.code === 'identity_invalid_config' || error.code === 'identity_jwks_unavailable') return { code: Status.INTERNAL, details: 'internal error' };
    return { code: Status.UNAUTHENTICATED, details: error.message };
  }
  if (error instanceof EngineError) {
    if (error.code === 'engine_no_revision') return { code: Status.UNAVAILABLE, details: 'no policy revision is loaded yet' };
    return { code: Status.INTERNAL, details: 'internal error' };
  }
  return { code: Status.INTERNAL, details: 'internal error' };
}
