export { createRedactor, isSecretKey, mayNeedRedaction, REDACTED, type Redactor, type RedactorOptions } from './redact.js';
export { isSecretParam } from './secret-names.js';
export { scrubSecretValue, TOKEN_MIN_ENTROPY } from './secret-values.js';
export { DecisionLog, type DecisionLogOptions, type DecisionRecord, type DecisionSink } from './decision-log.js';
export { OffThreadDecisionLog, RESTART_BACKOFF, type OffThreadDecisionLogOptions } from './off-thread-decision-log.js';
export { DROP_WARNING_MS, warnOfDrops, type DropWarning } from './drop-warning.js';
export { recordHead, recordJsonWith, recordTail, RECORD_HEAD_FIELDS, RECORD_LATENCY, type RecordCall, type RecordConstants } from './record-json.js';
export { WardenMetrics, ENVOY_REJECT_REASONS, type ConnectionCloseReason, type DecisionApi, type DecisionResult, type EnvoyRejectReason, type HandshakeFailure, type WatchFailureReason } from './metrics.js';
export { startMetricsServer, splitHostPort, type MetricsServer } from './metrics-server.js';
