import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../../engine/index.js';
import type { CheckRoute } from '../check-route/check.js';
import type { CallState } from '../pipeline.js';
import { OpaApiError } from './errors.js';
import { answerCheck, type FailureAnswer, type HttpCheckDeps } from './answer-check.js';
import { sendAnswer, type HttpContext, type HttpRoute } from './http-route.js';
import { dataReference, opaErrorAnswer } from './opa-answer.js';
import { opaDataCheckRoute, type OpaCheckData } from './opa-data-check.js';
import { OPA_DATA_PATH, opaQueryOptions, parseDataRequest, parseDefaultRequest, readBody, type OpaDataRequest, type OpaQueryOptions } from './opa-request.js';
import { wardenVersion } from '../../warden-version.js';

/** What OPA's data API needs (a decision not made within `decisionTimeoutMs` is a 500). */
export interface OpaDataRouteDeps extends HttpCheckDeps {
  engine: Engine;
  /** The `--decision` entrypoint: `POST /` evaluates it unless the policy has `system/main` compiled. */
  decision: string;
  maxBodyBytes: number;
  maxDepth: number;
}

/** The document OPA's default decision (`POST /`) queries. */
export const OPA_DEFAULT_DOCUMENT = 'system/main';

/** The config key that adds documents to those compiled, named in the 404 of one that is not. */
const ENTRYPOINTS_KEY = 'opaApi.entrypoints';

/**
 * The check routes of the documents asked for so far, one per document: they are only made for
 * compiled documents, so there are at most as many as the revision has entrypoints.
 */
function checkRoutes(): (document: string) => CheckRoute {
  const routes = new Map<string, CheckRoute>();
  return (document) => {
    let route = routes.get(document);
    if (!route) routes.set(document, (route = opaDataCheckRoute(document)));
    return route;
  };
}

/**
 * The refusal of a document the serving revision cannot evaluate, or `undefined` when it can. Only
 * compiled documents can be: any other is a 404 naming the config key, never an empty 200 that a
 * client could not tell from an undefined document.
 */
function uncompiled(engine: Engine, document: string): OpaApiError | undefined {
  const revision = engine.revision;
  if (!revision) return new OpaApiError('internal_error', 500, 'no policy revision is loaded yet');
  if (revision.entrypoints.includes(document)) return undefined;
  if (document === '') return new OpaApiError('undefined_document', 404, `Warden evaluates compiled documents only, not the whole of data: ask for one of them, or add it to ${ENTRYPOINTS_KEY}`);
  return new OpaApiError('undefined_document', 404, `${dataReference(document)} is not compiled: add "${document}" to ${ENTRYPOINTS_KEY} in the config to evaluate it here`);
}

/** No decision, in time or at all: 500 `internal_error` (fail closed), naming the id the operational log has. */
function failureAnswer(pretty: boolean): FailureAnswer {
  return { route: 'OPA REST API', status: 500, answer: (reason, decisionId) => opaErrorAnswer(new OpaApiError('internal_error', 500, reason), { pretty, decisionId }) };
}

/** Runs one data API check through the pipeline and answers it (see answerCheck). */
function decide(deps: OpaDataRouteDeps, route: CheckRoute, request: OpaDataRequest, bare: boolean, options: OpaQueryOptions, req: IncomingMessage, res: ServerResponse, ctx: HttpContext): void | Promise<void> {
  const state: CallState = { api: 'opa', method: `${req.method} ${bare ? '/' : OPA_DATA_PATH}`, started: ctx.started, connection: ctx.connection, decisions: [] };
  const data: OpaCheckData = { request, context: { ...options, started: ctx.started, parseNs: request.parseNs, document: request.document, bare, version: wardenVersion() } };
  return answerCheck({ state, route, data }, res, deps, failureAnswer(options.pretty));
}

/** The routes of OPA's data API: `GET|POST /v1/data/{path}` and the default decision, `POST /`. */
export function opaDataRoutes(deps: OpaDataRouteDeps): HttpRoute[] {
  const routeOf = checkRoutes();
  const handle = async (req: IncomingMessage, res: ServerResponse, ctx: HttpContext, bare: boolean): Promise<void> => {
    const params = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const options = opaQueryOptions(params);
    const { pretty } = options;
    let request: OpaDataRequest;
    try {
      const body = await readBody(req, deps.maxBodyBytes);
      const document = bare ? (deps.engine.revision?.entrypoints.includes(OPA_DEFAULT_DOCUMENT) ? OPA_DEFAULT_DOCUMENT : deps.decision) : '';
      request = bare ? parseDefaultRequest(body, document, deps.maxDepth) : parseDataRequest(req.method ?? '', ctx.path, params, body, deps.maxDepth);
      const refused = uncompiled(deps.engine, request.document);
      if (refused) throw refused;
    } catch (e) {
      if (!(e instanceof OpaApiError)) throw e;
      if (e.status === 413) res.shouldKeepAlive = false;
      sendAnswer(res, opaErrorAnswer(e, { pretty, ...(e.status === 413 ? { headers: { connection: 'close' } } : {}) }));
      return;
    }
    await decide(deps, routeOf(request.document), request, bare, options, req, res, ctx);
  };
  return [
    { name: 'opa-data', crossOrigin: true, methods: ['GET', 'POST'], path: OPA_DATA_PATH, subpaths: true, readsBody: true, handle: (req, res, ctx) => handle(req, res, ctx, false) },
    { name: 'opa-default-decision', crossOrigin: true, methods: ['POST'], path: '/', readsBody: true, handle: (req, res, ctx) => handle(req, res, ctx, true) },
  ];
}
