export { grpcServerOptions, startServer, type WardenServer } from './start-server.js';
export { readServeConfigFile, SERVE_DEFAULTS, DEFAULT_LIMITS, type ServeConfig, type RequestLimits } from './config.js';
export { ServiceError, type ServiceErrorCode } from './service-error.js';
export { toGrpcStatus, type GrpcStatus } from './status-mapping.js';
export { PROTO_ROOT, SERVED_PROTOS, LOADER_OPTIONS, loadPackageDefinition } from './protos.js';
export { buildAuthzInput, peerIp, type AuthzInput } from './authz-input.js';
export { buildEnvoyInput, parsePath, parseQuery, type EnvoyInput } from './envoy-input.js';
export { envoyResponse, DECISION_ID_HEADER } from './envoy-response.js';
export { checkOnce, type CheckCallOptions, type CheckAnswer } from './check-client.js';
