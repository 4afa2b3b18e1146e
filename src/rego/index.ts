export { compile, compileToPlan, parse, parseModules, type CompileOptions, type SourceModule } from './compile.js';
export { parseModule, parseQuery, parseTerm } from './syntax/index.js';
export { CompileError, formatDiagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
export type * from './ast.js';
