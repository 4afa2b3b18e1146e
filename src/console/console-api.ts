import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { PolicyRevision } from '../engine/revision.js';
import type { Countermeasures } from '../protection/countermeasures.js';
import type { ShadowEvaluator } from '../shadow/shadow-evaluator.js';
import { adviceView } from './advice-view.js';
import type { DecisionFeed } from './decision-feed.js';
import { matchesFilter, parseDecisionFilter } from './decision-filter.js';
import { ConsoleError } from './errors.js';
import { streamDecisions } from './event-stream.js';
import type { Playground } from './playground.js';
import { parsePlaygroundRequest } from './playground-request.js';
import { protectionView } from './protection-view.js';
import { readJsonBody } from './request-body.js';
import { revisionView, type RevisionOrigin } from './revision-view.js';
import { sendJson } from './security-headers.js';
import { graphWindowMs, serviceGraph } from './service-graph.js';
import type { Session } from './sessions.js';

/** What the console's JSON API reads from the running server. */
export interface ConsoleSources {
  feed: DecisionFeed;
  playground: Playground;
  countermeasures: Countermeasures;
  registry: Registry;
  revision: () => PolicyRevision | undefined;
  origin: RevisionOrigin;
  /** The policy directory served, for the advisor's grants (undefined when a bundle is served). */
  policyDir?: string;
  shadow?: ShadowEvaluator;
  now?: () => number;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_LIST = 1000;
const MAX_STREAMS = 64;

/** One API request, authenticated and (when it changes state) checked for CSRF. */
export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: Session;
  /** When the session ends if unused (for the front end's notice). */
  expiresAtMs: number;
}

/**
 * Answers `/api/...`. Returns false when no route matches.
 *
 * @throws ConsoleError for a request that is wrong; the server turns it into a status
 */
export async function answerApi(sources: ConsoleSources, call: ApiRequest): Promise<boolean> {
  const { req, res, url } = call;
  const path = url.pathname;
  const now = sources.now ?? Date.now;
  const get = req.method === 'GET' || req.method === 'HEAD';
  if (get && path === '/api/session') {
    sendJson(res, 200, { admin: call.session.admin, csrfToken: call.session.csrfToken, expiresAt: new Date(call.expiresAtMs).toISOString() });
    return true;
  }
  if (get && path === '/api/decisions/stream') {
    if (sources.feed.subscribers >= MAX_STREAMS) throw new ConsoleError('console_busy', `${MAX_STREAMS} live streams are open already: close a console tab`);
    await streamDecisions(req, res, sources.feed, parseDecisionFilter(url.searchParams));
    return true;
  }
  if (get && path === '/api/decisions') {
    const filter = parseDecisionFilter(url.searchParams);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, MAX_LIST);
    const records = (await sources.feed.recentRecords()).filter((h) => matchesFilter(h.record, filter)).slice(-limit).map((h) => h.record);
    sendJson(res, 200, { decisions: records });
    return true;
  }
  const one = /^\/api\/decisions\/([^/]+)$/.exec(path);
  if (get && one) {
    const held = sources.feed.find(decodeURIComponent(one[1]!));
    if (!held) throw new ConsoleError('console_not_found', `no recent decision ${JSON.stringify(decodeURIComponent(one[1]!))} (the console holds the most recent ones only)`);
    sendJson(res, 200, held.record);
    return true;
  }
  if (get && path === '/api/graph') {
    sendJson(res, 200, serviceGraph(await sources.feed.recentRecords(), graphWindowMs(url.searchParams.get('window')), now()));
    return true;
  }
  if (get && path === '/api/playground/sources') {
    sendJson(res, 200, sources.playground.sources());
    return true;
  }
  if (req.method === 'POST' && path === '/api/playground/evaluate') {
    sendJson(res, 200, await sources.playground.evaluate(parsePlaygroundRequest(await readJsonBody(req, MAX_BODY_BYTES))));
    return true;
  }
  if (req.method === 'POST' && path === '/api/playground/test') {
    sendJson(res, 200, await sources.playground.test(parsePlaygroundRequest(await readJsonBody(req, MAX_BODY_BYTES))));
    return true;
  }
  if (get && path === '/api/protection') {
    sendJson(res, 200, await protectionView(sources.countermeasures, sources.registry, await sources.feed.recentRecords()));
    return true;
  }
  if (get && path === '/api/revision') {
    const view = revisionView(sources.revision(), sources.origin);
    if (!view) throw new ConsoleError('console_unavailable', 'no policy revision is loaded');
    sendJson(res, 200, view);
    return true;
  }
  if (get && path === '/api/shadow') {
    sendJson(res, 200, sources.shadow ? { enabled: true, ...sources.shadow.view() } : { enabled: false });
    return true;
  }
  if (get && path === '/api/advice') {
    sendJson(res, 200, adviceView(await sources.feed.recentRecords(), sources.policyDir));
    return true;
  }
  return false;
}
