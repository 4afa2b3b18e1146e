export { compile, compileToPlan, parse, parseModules, COMPILE_STAGES, type CompileHooks, type CompileOptions, type CompileStage, type SourceModule, type StageName } from './compile.js';
export { parseModule, parseQuery, parseTerm } from './syntax/index.js';
export { opaAstJson, termJson, type JsonValue } from './syntax/opa-ast-json.js';
export { CompileError } from './errors.js';
export { formatDiagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
export type * from './ast.js';
