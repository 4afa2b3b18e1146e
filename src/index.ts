export { WardenError } from './errors.js';
export { compilePlan, compilePlanSync, CodegenError, type CompilePlanOptions } from './wasm/index.js';
export { loadPlan, PlanError } from './ir/index.js';
export type { Policy as PlanPolicy } from './ir/index.js';
export { hostBuiltins, builtinImplementations } from './builtins/index.js';
export { BuiltinError } from './builtins/errors.js';
export { RegoSet, RegoObjectEntries, type RegoValue } from './builtins/value.js';
export { compile, compileToPlan, parse, parseModule, parseQuery, parseTerm, CompileError, formatDiagnostic } from './rego/index.js';
export type { CompileOptions, SourceModule, Diagnostic, DiagnosticCode } from './rego/index.js';
