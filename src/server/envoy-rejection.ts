import type { EnvoyRejectReason } from '../audit/index.js';
import { ServiceError } from './errors.js';

/**
 * The HTTP status the downstream client gets for each reason. `bad_check_request` is not the
 * client's doing: it gets 403, what Envoy itself answers when its authorization service fails
 * (`status_on_error`'s default).
 */
const HTTP_STATUS: Record<EnvoyRejectReason, number> = {
  malformed: 400,
  body_too_deep: 400,
  body_too_large: 413,
  path_too_long: 414,
  header_too_large: 431,
  bad_check_request: 403,
};

/**
 * An Envoy check refused for what it holds, before any policy runs. The Envoy service answers it
 * with a denying `CheckResponse` (never a gRPC error, which Envoy's `failure_mode_allow` would let
 * through); elsewhere it is an ordinary INVALID_ARGUMENT.
 */
export class EnvoyRequestRejected extends ServiceError {
  readonly reason: EnvoyRejectReason;
  readonly httpStatus: number;

  constructor(reason: EnvoyRejectReason, message: string, options?: { cause?: unknown }) {
    super('invalid_argument', message, options);
    this.name = 'EnvoyRequestRejected';
    this.reason = reason;
    this.httpStatus = HTTP_STATUS[reason];
  }
}

/**
 * What went wrong while reading an Envoy check, as a rejection: a rejection stays as it is; any
 * other error (bytes that are not a `CheckRequest`, metadata nested too deep, or a fault of
 * Warden's own) is a `bad_check_request`.
 *
 * @example
 * try { validateEnvoyCheck(raw.message(), limits); } catch (e) { const r = envoyRejection(e); … }
 */
export function envoyRejection(error: unknown): EnvoyRequestRejected {
  if (error instanceof EnvoyRequestRejected) return error;
  const message = error instanceof ServiceError ? error.message : 'the check request could not be read';
  return new EnvoyRequestRejected('bad_check_request', message, { cause: error });
}

/** `text` cut to `max` characters, marked when cut: a rejected request's fields can be huge. */
export function clip(text: string | undefined, max: number): string {
  if (text === undefined) return '';
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more]`;
}
