export { createRedactor, isSecretKey, mayNeedRedaction, REDACTED, type Redactor, type RedactorOptions } from './redact.js';
export { DecisionLog, type DecisionLogOptions, type DecisionRecord, type DecisionSink } from './decision-log.js';
export { OffThreadDecisionLog } from './off-thread-decision-log.js';
export { recordJsonWith, recordTail, type RecordCall, type RecordConstants } from './record-json.js';
export { WardenMetrics, type ConnectionCloseReason, type DecisionApi, type DecisionResult, type HandshakeFailure } from './metrics.js';
export { startMetricsServer, splitHostPort, type MetricsServer } from './metrics-server.js';
