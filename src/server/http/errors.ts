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
