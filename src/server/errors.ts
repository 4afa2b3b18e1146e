import { WardenError } from '../errors.js';

/** Stable codes of {@link ServiceError}. */
export type ServiceErrorCode =
  | 'invalid_argument'
  | 'resource_exhausted'
  | 'unauthenticated'
  | 'deadline_exceeded'
  | 'unavailable'
  | 'invalid_config'
  | 'internal';

/** A request the service refuses to decide. Mapped to a gRPC status in `status-mapping.ts` only. */
export class ServiceError extends WardenError<ServiceErrorCode> {
  constructor(code: ServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ServiceError';
  }
}
