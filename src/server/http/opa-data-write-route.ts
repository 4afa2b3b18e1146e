import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DataWriteError, jsonPatch, type DataOperation } from '../../engine/index.js';
import type { Protection } from '../../protection/protection.js';
import type { Refusal } from '../../protection/protected-call.js';
import { jsonNestingExceeds } from '../envoy-body.js';
import { retryAfterSeconds } from '../envoy-response.js';
import type { DataWriter } from '../data-writer.js';
import { OpaApiError, type OpaApiErrorCode } from './errors.js';
import { sendAnswer, type HttpContext, type HttpRoute } from './http-route.js';
import { dataReference, opaErrorAnswer } from './opa-answer.js';
import { opaProtectedCall } from './opa-data-check.js';
import { OPA_DATA_PATH, readBody } from './opa-request.js';
import { parseJsonExact } from '../../engine/exact-json.js';

/** What OPA's Data API writes need. */
export interface OpaDataWriteDeps {
  writer: DataWriter;
  /** SPIFFE IDs allowed to write (`opaApi.admins`). */
  admins: readonly string[];
  logger: Logger;
  maxBodyBytes: number;
  maxDepth: number;
  /** The deny list, bans and rate limits, as for every other call (a write is a call too). */
  protection?: Protection;
}

const WRITE_METHODS = ['PUT', 'PATCH', 'DELETE'] as const;

/** How each data write failure is answered, in OPA's codes. */
const ANSWERS: Record<DataWriteError['code'], [OpaApiErrorCode, number]> = {
  data_not_found: ['resource_not_found', 404],
  data_conflict: ['resource_conflict', 409],
  data_invalid: ['invalid_parameter', 400],
  data_refused: ['invalid_parameter', 400],
  data_apply_failed: ['internal_error', 500],
};

/**
 * The keys of a write's path: `/v1/data/a/b%2Fc` → `['a', 'b/c']` (percent-decoded after splitting,
 * so a key may hold a slash).
 *
 * @throws OpaApiError `invalid_parameter` for a segment that is not valid percent-encoding
 */
export function dataWritePath(path: string): string[] {
  try {
    return path
      .slice(OPA_DATA_PATH.length)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    throw new OpaApiError('invalid_parameter', 400, `the path ${JSON.stringify(path)} is not valid percent-encoding`);
  }
}

function bodyJson(body: Buffer, maxDepth: number): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw new OpaApiError('invalid_parameter', 400, 'the request body is empty: it must hold the JSON to write');
  if (jsonNestingExceeds(text, maxDepth)) throw new OpaApiError('invalid_parameter', 400, `the request body nests deeper than ${maxDepth} levels`);
  try {
    return parseJsonExact(text);
  } catch (e) {
    throw new OpaApiError('invalid_parameter', 400, `the request body is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** The write a request asks for. */
async function operationOf(req: IncomingMessage, ctx: HttpContext, deps: OpaDataWriteDeps): Promise<DataOperation> {
  const path = dataWritePath(ctx.path);
  if (req.method === 'DELETE') {
    req.resume();
    return { kind: 'delete', path };
  }
  const value = bodyJson(await readBody(req, deps.maxBodyBytes), deps.maxDepth);
  if (req.method === 'PATCH') return { kind: 'patch', path, patch: jsonPatch(value) };
  return { kind: 'put', path, value, ifNoneMatch: req.headers['if-none-match']?.trim() === '*' };
}

/** A refusal by the countermeasures, as OPA's API answers one: 429 for a rate limit, else 403. */
function refusedWrite(refusal: Refusal): OpaApiError {
  return new OpaApiError('unauthorized', refusal.kind === 'rate_limit' ? 429 : 403, refusal.reason);
}

/** Why `ctx`'s caller may not write, or `undefined` when it may. */
function refusal(ctx: HttpContext, admins: readonly string[]): OpaApiError | undefined {
  const { requester } = ctx.connection;
  if (requester.authenticated_by !== 'mtls') return new OpaApiError('unauthorized', 401, 'data writes need a client certificate with a SPIFFE ID listed in opaApi.admins');
  if (!admins.includes(requester.id)) return new OpaApiError('unauthorized', 403, `${requester.id} may not write data: it is not listed in opaApi.admins`);
  return undefined;
}

function asOpaError(e: unknown): OpaApiError {
  if (e instanceof OpaApiError) return e;
  if (e instanceof DataWriteError) {
    const [code, status] = ANSWERS[e.code];
    return new OpaApiError(code, status, e.message, { cause: e });
  }
  return new OpaApiError('internal_error', 500, `the write failed: ${(e as Error).message}`, { cause: e });
}

/**
 * OPA's Data API writes: `PUT /v1/data/{path}` (create or replace, missing parents created;
 * `If-None-Match: *` only creates, 304 otherwise), `PATCH` (a JSON Patch on the document, all of it
 * or nothing) and `DELETE` (404 when missing), 204 once every evaluating instance has the write.
 * Only callers whose client certificate's SPIFFE ID is in `opaApi.admins` may write (others 403,
 * no certificate 401); refused (400) while a bundle service owns the data.
 */
export function opaDataWriteRoute(deps: OpaDataWriteDeps): HttpRoute {
  const handle = async (req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> => {
    const who = ctx.connection.requester.id;
    const path = ctx.path.slice(OPA_DATA_PATH.length) || '/';
    const { protection } = deps;
    const call = opaProtectedCall(ctx.connection.requester, ctx.connection.sourceIp, `${req.method} ${dataReference(path === '/' ? '' : path.slice(1))}`);
    let turnedAway: Refusal | undefined;
    let allowed = false;
    try {
      // Before anything else: a denied address, a banned caller or a spent limit is not even told whether it could write.
      turnedAway = protection?.active ? await protection.admit(call) : undefined;
      if (turnedAway) {
        req.resume();
        deps.logger.warn({ who, method: req.method, path }, `data write refused: ${turnedAway.reason}`);
        throw refusedWrite(turnedAway);
      }
      const refused = refusal(ctx, deps.admins);
      if (refused) {
        req.resume();
        deps.logger.warn({ who, method: req.method, path }, `data write refused: ${refused.message}`);
        throw refused;
      }
      allowed = true;
      const outcome = await deps.writer.write(await operationOf(req, ctx, deps), { who, method: req.method ?? '' });
      sendAnswer(res, { status: outcome.written ? 204 : 304, headers: { 'cache-control': 'no-store' }, body: '' });
    } catch (e) {
      const error = asOpaError(e);
      if (error.status === 413) res.shouldKeepAlive = false;
      if (error.status >= 500) deps.logger.error({ who, method: req.method, path }, `data write failed: ${error.message}`);
      const retryAfterMs = turnedAway?.retryAfterMs;
      const headers: Record<string, string> = error.status === 413 ? { connection: 'close' } : {};
      if (retryAfterMs !== undefined) headers['retry-after'] = retryAfterSeconds(retryAfterMs);
      sendAnswer(res, opaErrorAnswer(error, { headers }));
    } finally {
      // A caller refused a write counts towards its ban, as a denied check does; one turned away by a ban does not extend it.
      protection?.observe(call, allowed, allowed ? undefined : (turnedAway?.kind ?? 'policy'));
    }
  };
  return { name: 'opa-data-write', methods: WRITE_METHODS, path: OPA_DATA_PATH, subpaths: true, readsBody: true, handle };
}
