import { WardenError } from '../../errors.js';

/** Stable codes of {@link HttpRequestError}. */
export type HttpRequestErrorCode =
  /** No credential for the caller in any header the readers know (answered 401). */
  | 'http_no_credential'
  /** A credential header that cannot be read or does not hold: an unparsable certificate, a bad token (401). */
  | 'http_bad_credential'
  /** A forwarded request that cannot be read: a header twice that may appear once, a bad URI (400). */
  | 'http_bad_request';

/** What the HTTP door refuses about a request before any policy runs; answered in `forward-auth-answer.ts`. */
export class HttpRequestError extends WardenError<HttpRequestErrorCode> {
  constructor(code: HttpRequestErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'HttpRequestError';
  }
}

/** Stable codes of {@link OpaApiError}: OPA's own REST API error codes, as its clients match on them. */
export type OpaApiErrorCode =
  /** A request that cannot be read: a body or `input` that is not JSON, a body too large (400, 413). */
  | 'invalid_parameter'
  /** A document that is undefined where OPA answers 404 (`POST /`), or a path not compiled (404). */
  | 'undefined_document'
  /** The caller was turned away before the policy ran: a credential rule, the deny list, a ban, a rate limit (403, 429). */
  | 'unauthorized'
  /** No decision could be made: no revision loaded, an evaluation error, a timeout (500). */
  | 'internal_error'
  /** A data write's target (or its parent) does not exist (404). */
  | 'resource_not_found'
  /** A data write the data is not in a state for: a failed `test`, a parent that is not an object (409). */
  | 'resource_conflict';

/** Why OPA's REST API on the HTTP listener answers with an error; answered in `opa-answer.ts`. */
export class OpaApiError extends WardenError<OpaApiErrorCode> {
  /** The HTTP status it is answered with. */
  readonly status: number;

  constructor(code: OpaApiErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OpaApiError';
    this.status = status;
  }
}
