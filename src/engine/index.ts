export { BUDGET_EXCEEDED, Engine, evaluateDecision, type DecisionOutcome, type EngineOptions } from './engine.js';
export { hostBuiltinNames, sliceControl, SLICE_USED_UP } from './evaluation-slice.js';
export { DecisionCache, type DecisionCacheOptions } from './decision-cache.js';
export {
  interpretResultSet,
  failedDecision,
  type Decision,
  type DecisionFailure,
  type DecisionShape,
  type EnvoyDecisionDetails,
  type RefusalKind,
} from './decision.js';
export { decisionLimits, type PolicyLimit } from './decision-limits.js';
export { canonicalJson, canonicalJsonOf, canonicalCopy, setMember } from './canonical-json.js';
export { flatString } from './flat-string.js';
export { buildRevision, contentRevisionId, revisionBytes, type BuildOptions, type PolicyCompiler, type PolicyModule, type PolicyRevision, type RevisionParts } from './revision.js';
export { loadRevision, loadBundleRevision, type PolicySourceOptions } from './policy-loader.js';
export { PolicyManager, type PolicyManagerOptions, type ReloadResult } from './policy-manager.js';
export { PolicyWatcher, DEFAULT_POLL_INTERVAL_MS, DEFAULT_SOURCE_GRACE_MS, type PolicyWatcherOptions, type SourceEvent } from './policy-watcher.js';
export { SourceFingerprinter, type PolicySource, type SourceSnapshot, type WatchedDirectory } from './source-fingerprint.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export { DataWriteError, type DataWriteErrorCode } from './errors.js';
export { composeDataText, dataDigest, dataDocument, type DataDocument } from '../bundle/data-documents.js';
export { revisionDataValue } from './revision-data.js';
export {
  applyOperations,
  applyToPolicy,
  instanceDataReader,
  operationPaths,
  replayOperations,
  sparseDocument,
  type DataReader,
  DocumentEditor,
  editDocument,
  instanceWrites,
  instanceWritesAt,
  jsonPatch,
  pointerText,
  pointerTokens,
  withDataWritten,
  type DataOperation,
  type InstanceWrite,
  type JsonPatchOperation,
} from './data-writes/index.js';
