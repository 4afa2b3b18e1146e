import type { Engine } from '../../engine/index.js';
import { sendAnswer, type HttpRoute } from './http-route.js';
import { opaJson } from './opa-answer.js';
import { opaQueryOptions } from './opa-request.js';

/**
 * `GET /v1/policies`, OPA's policy list: `{"result": [{"id": …, "raw": …}]}`, one entry per Rego
 * module of the serving revision (its path in the policy directory or bundle, and its source).
 * No `ast`: Warden's AST is not OPA's. A bundle that carries Wasm or a plan lists none; with no
 * revision loaded the list is empty. Not a decision: neither logged nor counted as one.
 */
export function opaPoliciesRoute(engine: Engine): HttpRoute {
  return {
    name: 'opa-policies',
    crossOrigin: true,
    methods: ['GET'],
    path: '/v1/policies',
    handle(req, res) {
      const { pretty } = opaQueryOptions(new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
      const modules = engine.revision?.modules ?? [];
      sendAnswer(res, opaJson(200, { result: modules.map((m) => ({ id: m.path, raw: m.source })) }, pretty));
    },
  };
}
