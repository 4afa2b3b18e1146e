import type { IncomingMessage } from 'node:http';
import { jsonNestingExceeds } from '../envoy-body.js';
import { OpaApiError } from './errors.js';
import { parseJsonExact } from '../../engine/exact-json.js';

/** OPA's data API path; a document's path follows it (`/v1/data/warden/authz/decision`). */
export const OPA_DATA_PATH = '/v1/data';

/** The query parameters of OPA's data API that Warden honours; others are ignored, as OPA does. */
export interface OpaQueryOptions {
  /** `?pretty`: indented JSON. */
  pretty: boolean;
  /** `?metrics`: a `metrics` object with the timers Warden can measure. */
  metrics: boolean;
  /** `?provenance`: a `provenance` object (version, policy revision). */
  provenance: boolean;
}

/** What a data API request asks: the document, and its input when one was given. */
export interface OpaDataRequest {
  /** The document's path, slash-separated without the `/v1/data/` prefix (`warden/authz/decision`); `''` for the root. */
  document: string;
  /** Whether an input was given; OPA evaluates without one otherwise. */
  hasInput: boolean;
  input?: unknown;
  /** Time spent parsing the input, in ns (for `?metrics`). */
  parseNs: number;
}

/** OPA reads a boolean parameter as true when it is present bare (`?pretty`) or `true`. */
function flag(params: URLSearchParams, name: string): boolean {
  const values = params.getAll(name);
  return values.some((v) => v === '' || v.toLowerCase() === 'true');
}

/** The query parameters of `url` that Warden honours. */
export function opaQueryOptions(params: URLSearchParams): OpaQueryOptions {
  return { pretty: flag(params, 'pretty'), metrics: flag(params, 'metrics'), provenance: flag(params, 'provenance') };
}

/**
 * The document path of a data API request path: `/v1/data/a/b` → `a/b`, `/v1/data` → `''`;
 * segments percent-decoded, empty ones (a trailing slash) dropped.
 *
 * @throws OpaApiError `invalid_parameter` when a segment is not valid percent-encoding
 */
export function opaDocumentPath(path: string): string {
  const rest = path.slice(OPA_DATA_PATH.length);
  try {
    return rest
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s))
      .join('/');
  } catch {
    throw new OpaApiError('invalid_parameter', 400, `the path ${JSON.stringify(path)} is not valid percent-encoding`);
  }
}

/**
 * The request's body, at most `maxBytes`. A declared or received body over it rejects with 413;
 * a request that breaks off rejects too (it is answered 400 if the socket is still open).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new OpaApiError('invalid_parameter', 413, `the request body is larger than ${maxBytes} bytes`);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (e) => reject(new OpaApiError('invalid_parameter', 400, `the request body could not be read: ${e.message}`, { cause: e })));
  });
}

/**
 * `text` parsed as JSON, or an `invalid_parameter` error saying what (`where`) is not JSON and why,
 * or that it nests deeper than `maxDepth` (measured before parsing: see jsonNestingExceeds).
 */
function parseJson(text: string, where: string, maxDepth: number, wrapped = 0): unknown {
  if (jsonNestingExceeds(text, maxDepth + wrapped)) throw new OpaApiError('invalid_parameter', 400, `the input in ${where} nests deeper than ${maxDepth} levels`);
  try {
    return parseJsonExact(text);
  } catch (e) {
    throw new OpaApiError('invalid_parameter', 400, `${where} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A data API request (`GET` or `POST /v1/data/{path}`): a POST body `{"input": …}` (an empty body
 * or one without `input` evaluates without input), or GET's `?input=` JSON parameter.
 *
 * @example
 * parseDataRequest('POST', '/v1/data/authz/allow', new URLSearchParams(), Buffer.from('{"input":{"user":"bob"}}'), 32)
 * // → { document: 'authz/allow', hasInput: true, input: { user: 'bob' }, parseNs: … }
 * @throws OpaApiError `invalid_parameter` (400): a body that is not a JSON object, an `input` parameter that is not JSON, either nested too deep
 */
export function parseDataRequest(method: string, path: string, params: URLSearchParams, body: Buffer, maxDepth: number): OpaDataRequest {
  const document = opaDocumentPath(path);
  const started = process.hrtime.bigint();
  const parseNs = () => Number(process.hrtime.bigint() - started);
  if (method === 'GET') {
    const given = params.get('input');
    if (given === null) return { document, hasInput: false, parseNs: 0 };
    const input = parseJson(given, 'the input query parameter', maxDepth);
    return { document, hasInput: true, input, parseNs: parseNs() };
  }
  const text = body.toString('utf8');
  if (text.trim() === '') return { document, hasInput: false, parseNs: 0 };
  // The body wraps the input in one more object.
  const parsed = parseJson(text, 'the request body', maxDepth, 1);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OpaApiError('invalid_parameter', 400, 'the request body must be a JSON object: {"input": …}');
  }
  const hasInput = Object.hasOwn(parsed, 'input');
  return { document, hasInput, ...(hasInput ? { input: (parsed as { input: unknown }).input } : {}), parseNs: parseNs() };
}

/**
 * A default decision request (`POST /`): the whole body is the input, as in OPA; an empty body
 * evaluates without input.
 *
 * @throws OpaApiError `invalid_parameter` (400) when the body is not JSON
 */
export function parseDefaultRequest(body: Buffer, document: string, maxDepth: number): OpaDataRequest {
  const text = body.toString('utf8');
  if (text.trim() === '') return { document, hasInput: false, parseNs: 0 };
  const started = process.hrtime.bigint();
  const input = parseJson(text, 'the request body', maxDepth);
  return { document, hasInput: true, input, parseNs: Number(process.hrtime.bigint() - started) };
}
