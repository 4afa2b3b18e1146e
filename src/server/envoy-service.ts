import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { DecisionServiceDeps } from './authorizer-service.js';
import { CheckPipeline } from './check-route/check-pipeline.js';
import { envoyRoute, type EnvoyCheckData } from './check-route/envoy-route.js';
import { unaryPipeline } from './pipeline.js';
import type { RawRequest } from './protos.js';
import type { EnvoyCheckRequest, EnvoyCheckResponse } from './request-types.js';

/**
 * `envoy.service.auth.v3.Authorization/Check`: Envoy's external authorization through the
 * {@link CheckPipeline} (see envoyRoute): decided with the Envoy entrypoint and answered in Envoy's
 * terms (status 0 / 7, ok or denied HTTP response). Whatever the request holds, the answer is a
 * `CheckResponse`: a request that cannot be read or is over a limit is denied with an HTTP 4xx,
 * never a gRPC error that Envoy's `failure_mode_allow` would let through.
 */
export function envoyAuthorizationService(deps: DecisionServiceDeps, pipeline = new CheckPipeline(deps)): UntypedServiceImplementation {
  const route = envoyRoute(deps);
  return {
    Check: unaryPipeline<RawRequest<EnvoyCheckRequest>, EnvoyCheckResponse>(deps, 'envoy', '/envoy.service.auth.v3.Authorization/Check', (raw, state) => {
      const data: EnvoyCheckData = { raw };
      return pipeline.run({ state, route, data }) as EnvoyCheckResponse | Promise<EnvoyCheckResponse>;
    }),
  };
}
