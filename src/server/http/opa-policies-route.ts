import type { Engine } from '../../engine/index.js';
import { sendAnswer, type HttpRoute } from './http-route.js';
import { OpaApiError } from './errors.js';
import { opaErrorAnswer, opaJson } from './opa-answer.js';
import { opaQueryOptions } from './opa-request.js';

const PREFIX = '/v1/policies/';

/** The policy id a `/v1/policies/{id}` path names (OPA's ids are module paths, slashes and all), or `undefined` for the list. */
function policyIdOf(path: string): string | undefined {
  if (!path.startsWith(PREFIX)) return undefined;
  try {
    return decodeURIComponent(path.slice(PREFIX.length));
  } catch {
    return path.slice(PREFIX.length);
  }
}

/**
 * `GET /v1/policies`, OPA's policy list: `{"result": [{"id": …, "raw": …}]}`, one entry per Rego
 * module of the serving revision (its path in the policy directory or bundle, and its source); and
 * `GET /v1/policies/{id}`, one of them (`{"result": {"id": …, "raw": …}}`, or 404
 * `resource_not_found` as OPA answers). No `ast`: Warden's AST is not OPA's. A bundle that carries
 * Wasm or a plan lists none; with no revision loaded the list is empty. Not a decision: neither
 * logged nor counted as one.
 */
export function opaPoliciesRoute(engine: Engine): HttpRoute {
  return {
    name: 'opa-policies',
    crossOrigin: true,
    methods: ['GET'],
    path: '/v1/policies',
    subpaths: true,
    handle(req, res) {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const { pretty } = opaQueryOptions(new URLSearchParams(query));
      const modules = engine.revision?.modules ?? [];
      const id = policyIdOf(path);
      if (id === undefined) {
        sendAnswer(res, opaJson(200, { result: modules.map((m) => ({ id: m.path, raw: m.source })) }, pretty));
        return;
      }
      const module = modules.find((m) => m.path === id);
      if (module) sendAnswer(res, opaJson(200, { result: { id: module.path, raw: module.source } }, pretty));
      else sendAnswer(res, opaErrorAnswer(new OpaApiError('resource_not_found', 404, `storage_not_found_error: policy id ${JSON.stringify(id)}`), { pretty }));
    },
  };
}
