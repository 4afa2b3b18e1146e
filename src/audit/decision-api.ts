// Kept apart from metrics.ts: the log worker reads it, and must not load prom-client into its small heap.
/** Which API a decision was made for: a door of `warden serve`, or an in-process `Authorizer` (src/embed). */
export type DecisionApi = 'authorizer' | 'envoy' | 'http' | 'inprocess' | 'opa';
export const DECISION_APIS: readonly DecisionApi[] = ['authorizer', 'envoy', 'http', 'inprocess', 'opa'];
