import type { Engine } from '../../engine/index.js';
import { sendAnswer, type HttpRoute } from './http-route.js';
import { opaJson } from './opa-answer.js';

/**
 * `GET /health`, OPA's health check: 200 `{}` once a policy revision is loaded, else 500 with
 * the reason. `?bundles` and `?plugins` are accepted: the policy (directory or bundle) is Warden's
 * one bundle and its watcher its one plugin, both ready when a revision is loaded. Not a decision:
 * neither logged nor counted as one.
 */
export function opaHealthRoute(engine: Engine): HttpRoute {
  return {
    name: 'opa-health',
    crossOrigin: true,
    methods: ['GET'],
    path: '/health',
    handle(_req, res) {
      const ready = engine.revision !== undefined;
      sendAnswer(res, ready ? opaJson(200, {}) : opaJson(500, { error: 'no policy revision is loaded yet' }));
    },
  };
}
