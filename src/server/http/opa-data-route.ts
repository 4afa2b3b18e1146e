import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Engine } from '../../engine/index.js';
import type { CheckPipeline } from '../check-route/check-pipeline.js';
import type { Check, CheckRoute } from '../check-route/check.js';
import type { CallState } from '../pipeline.js';
import { OpaApiError } from './errors.js';
import { logHttpDecisions, type DecisionSinks } from './http-decisions.js';
import { sendAnswer, type HttpAnswer, type HttpContext, type HttpRoute } from './http-route.js';
import { dataReference, opaErrorAnswer } from './opa-answer.js';
import { opaDataCheckRoute, type OpaCheckData } from './opa-data-check.js';
import { OPA_DATA_PATH, opaQueryOptions, parseDataRequest, parseDefaultRequest, readBody, type OpaDataRequest, type OpaQueryOptions } from './opa-request.js';
import { wardenVersion } from './warden-version.js';

/** What OPA's data API needs. */
export interface OpaDataRouteDeps extends DecisionSinks {
  engine: Engine;
  pipeline: CheckPipeline;
  logger: Logger;
  /** The `--decision` entrypoint: `POST /` evaluates it unless the policy has `system/main` compiled. */
  decision: string;
  /** Longest a decision may take before it is answered 500 anyway (`limits.requestTimeoutMs`). */
  decisionTimeoutMs: number;
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

/** Runs one data API check through the pipeline and answers it, within `decisionTimeoutMs` (fail closed: 500). */
function decide(deps: OpaDataRouteDeps, route: CheckRoute, request: OpaDataRequest, bare: boolean, options: OpaQueryOptions, req: IncomingMessage, res: ServerResponse, ctx: HttpContext): void | Promise<void> {
  const { pretty } = options;
  const state: CallState = { api: 'opa', method: `${req.method} ${bare ? '/' : OPA_DATA_PATH}`, started: ctx.started, connection: ctx.connection, decisions: [] };
  const data: OpaCheckData = { request, context: { ...options, started: ctx.started, parseNs: request.parseNs, document: request.document, bare, version: wardenVersion() } };
  const check: Check = { state, route, data };
  let timedOut = false;
  const fail = (reason: string, err?: unknown): void => {
    deps.logger.error({ requester: ctx.connection.requester.id, decision_id: check.decisionId, err }, `OPA REST API answered 500: ${reason}`);
    if (!timedOut && state.decisions.length === 0) deps.metrics.recordDecision('opa', 'error', (performance.now() - ctx.started) / 1000);
    sendAnswer(res, opaErrorAnswer(new OpaApiError('internal_error', 500, reason), { pretty, ...(check.decisionId !== undefined ? { decisionId: check.decisionId } : {}) }));
  };
  const finish = (): void => {
    sendAnswer(res, check.response as HttpAnswer);
    logHttpDecisions(state, deps, timedOut ? { afterMs: deps.decisionTimeoutMs, answeredWith: 500 } : undefined);
  };
  let done: unknown;
  try {
    done = deps.pipeline.run(check);
  } catch (e) {
    return fail(`no decision: ${(e as Error).message}`, e);
  }
  if (!(done instanceof Promise)) return finish();
  const timer = setTimeout(() => {
    timedOut = true;
    fail(`no decision within ${deps.decisionTimeoutMs} ms`);
  }, deps.decisionTimeoutMs);
  return done.then(
    () => {
      clearTimeout(timer);
      finish();
    },
    (e: unknown) => {
      clearTimeout(timer);
      fail(`no decision: ${(e as Error)?.message ?? String(e)}`, e);
    },
  );
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
    { name: 'opa-data', methods: ['GET', 'POST'], path: OPA_DATA_PATH, subpaths: true, readsBody: true, handle: (req, res, ctx) => handle(req, res, ctx, false) },
    { name: 'opa-default-decision', methods: ['POST'], path: '/', readsBody: true, handle: (req, res, ctx) => handle(req, res, ctx, true) },
  ];
}
