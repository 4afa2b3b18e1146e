export { ShadowError, type ShadowErrorCode } from './errors.js';
export { ShadowEvaluator, SHADOW_DEFAULTS, SYSTEM_CLOCK, type ShadowClock, type ShadowDecide, type ShadowDisagreement, type ShadowEvaluatorOptions, type ShadowJob, type ShadowView } from './shadow-evaluator.js';
export { ShadowMetrics, DISAGREEMENT_KINDS, type DisagreementKind } from './shadow-metrics.js';
export { loadShadowCandidate, parseShadowConfig, type ShadowCandidate, type ShadowConfig } from './shadow-source.js';
export { ShadowReloader, type ShadowReloaderOptions, type ShadowReloadResult } from './shadow-reloader.js';
