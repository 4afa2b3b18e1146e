import type { Expr, Module } from '../ast.js';
import { errorsOccurred, formatDiagnostic } from '../diagnostics.js';
import { regoV1CompatibilityErrors } from '../compile/rego-v1-checks.js';
import { parseModule } from '../syntax/index.js';
import type { SourceComment } from './comments.js';
import { FormatError } from './errors.js';
import { ensureFutureKeyword, ensureImport, futureKeyword, isRegoV1Import, isRegoV2Import, viewImport, type ImportView } from './imports.js';
import { KEYWORDS_V0, KEYWORDS_V1, type LayoutOptions } from './layout-options.js';
import { ModuleWriter } from './module-writer.js';
import { assertSameMeaning } from './meaning-check.js';
import { needsRefHeads, viewHead } from './rule-heads.js';
import { SourceRows } from './source-rows.js';
import { operatorName } from './term-writer.js';
import { walkExprs } from './walk-exprs.js';

export { FormatError } from './errors.js';

/**
 * What to write: `v1` (OPA's default), `v0` (`--v0-compatible`), or `v0-compat-v1` (`--v0-v1`: Rego
 * v0 that is also valid v1, with `import rego.v1`, `if` and `contains`).
 */
export type FormatTarget = 'v0' | 'v1' | 'v0-compat-v1';

export interface FormatOptions {
  /** The file name errors name. */
  file: string;
  target?: FormatTarget;
  /** The syntax to parse: by default v1 for `v1`, else v0. */
  parseVersion?: 0 | 1;
  /** Drop `import rego.v1` and `future.keywords` imports where the target makes them redundant (`v1` only), as `opa fmt --drop-v0-imports`. */
  dropV0Imports?: boolean;
}

/**
 * Formats a Rego module as `opa fmt` does, byte for byte; throws a {@link FormatError} when the
 * module does not parse or, for a v1 or v0-compatible-v1 target, fails OPA's rego.v1 compatibility
 * check (deprecated builtins, `input`/`data` overridden, keywords as rule names, duplicate imports).
 *
 * @example
 * formatSource('package x\nallow if { input.ok }\n', { file: 'x.rego' }) // 'package x\n\nallow if input.ok\n'
 */
export function formatSource(source: string, options: FormatOptions): string {
  const target = options.target ?? 'v1';
  const parseVersion = options.parseVersion ?? (target === 'v1' ? 1 : 0);
  const { module, diagnostics } = parseModule(source, { file: options.file, regoVersion: parseVersion });
  if (!module) {
    const [d] = diagnostics;
    throw new FormatError('rego_parse_error', d ? `1 error occurred: ${formatDiagnostic(d)}` : `${options.file}: cannot parse`);
  }
  if (target !== 'v0') {
    const incompatible = regoV1CompatibilityErrors(module);
    if (incompatible.length > 0) throw new FormatError('rego_v1_incompatible', errorsOccurred(incompatible));
  }
  const formatted = formatModule(module, source, target, parseVersion, options.dropV0Imports === true && target === 'v1');
  assertSameMeaning(module, formatted, options.file, target === 'v0' ? 0 : 1);
  return formatted;
}

function formatModule(module: Module, source: string, target: FormatTarget, parseVersion: 0 | 1, dropV0Imports: boolean): string {
  const rows = new SourceRows(source);
  const regoV1 = target !== 'v0';
  const opts = { regoV1, ifs: regoV1, contains: regoV1, refHeads: false, notBlocks: false, keywords: new Set(regoV1 ? KEYWORDS_V1 : KEYWORDS_V0) };
  const futureKeywords: string[] = [];
  let containsKeyword = parseVersion === 1;
  for (const imp of module.imports) {
    const kw = futureKeyword(imp.path);
    if (isRegoV2Import(imp.path)) {
      opts.notBlocks = true;
      futureKeywords.push('and', 'or');
    }
    if (isRegoV1Import(imp.path) || isRegoV2Import(imp.path) || kw === '*') {
      opts.contains = opts.ifs = true;
      containsKeyword = true;
    }
    if (kw === 'contains') opts.contains = containsKeyword = true;
    if (kw === 'if') opts.ifs = true;
    if (kw === 'not' || kw === '*') opts.notBlocks = true;
    if (kw && kw !== '*') futureKeywords.push(kw);
  }
  for (const kw of futureKeywords) opts.keywords.add(kw);
  const v0SetKeys = parseVersion === 0 && !containsKeyword;
  opts.refHeads = module.rules.some((r) => needsRefHeads(viewHead(r, rows, v0SetKeys)));
  const arranged = arrangeImports(module, target, futureKeywords);
  const covered = coveredByRegoV1(module);
  const imports = dropV0Imports ? arranged.filter((i) => !isRegoV1Import(i.path) && !covered(i)) : arranged;
  const writer = new ModuleWriter(rows, opts as LayoutOptions, sourceComments(module, rows));
  writer.v0SetKeys = v0SetKeys;
  writer.writeModule(module, imports);
  return writer.output();
}

/** OPA's import edits: `rego.v1` added for v0-compat-v1, future imports dropped when `rego.v1` covers them. */
function arrangeImports(module: Module, target: FormatTarget, futureKeywords: string[]): ImportView[] {
  const loc = module.package.loc;
  let imports = module.imports.map(viewImport);
  if (imports.some((i) => isRegoV2Import(i.path))) return imports.filter((i) => futureKeyword(i.path) === undefined && !isRegoV1Import(i.path));
  if (target === 'v0-compat-v1') imports = ensureImport(imports, ['rego', 'v1'], loc);
  const regoV1Imported = imports.some((i) => isRegoV1Import(i.path));
  const used = new Set<string>();
  walkExprs(module, (e: Expr) => {
    if (e.type === 'call' && operatorName(e.operator).startsWith('internal.member_')) used.add('in');
    if (e.type === 'every') used.add('every');
  });
  if (target !== 'v0' || regoV1Imported) {
    if (!regoV1Imported) for (const kw of futureKeywords) imports = ensureFutureKeyword(imports, kw, loc);
    else {
      const covered = coveredByRegoV1(module);
      imports = imports.filter((i) => !covered(i));
    }
  } else {
    for (const kw of used) imports = ensureFutureKeyword(imports, kw, loc);
  }
  return imports;
}

/** The future keywords Rego v1 has: `and`, `or` and `not` (blocks, and the newer reading of negation) are not among them. */
const REGO_V1_KEYWORDS = new Set(['in', 'every', 'if', 'contains']);

/**
 * Whether a future-keywords import adds nothing to Rego v1, so `import rego.v1` (or the v1 target)
 * makes it redundant. `import future.keywords` brings `and`, `or` and `not` as well: it is kept
 * where the module negates an expression or writes `and`/`or`/`not { … }`.
 */
function coveredByRegoV1(module: Module): (i: ImportView) => boolean {
  let needsAll: boolean | undefined;
  return (i) => {
    const kw = futureKeyword(i.path);
    if (kw === undefined) return false;
    if (kw !== '*') return REGO_V1_KEYWORDS.has(kw);
    if (needsAll === undefined) {
      needsAll = false;
      walkExprs(module, (e: Expr) => {
        if (e.negated || e.logical) needsAll = true;
      });
    }
    return !needsAll;
  };
}

function sourceComments(module: Module, rows: SourceRows): SourceComment[] {
  return module.comments
    .map((c) => ({ row: c.loc.line, col: c.loc.col, text: `#${c.text}`.replace(/\s+$/, ''), raw: rows.text.slice(c.loc.offset, c.loc.end).replace(/\r$/, '') }))
    .sort((a, b) => a.row - b.row || a.col - b.col);
}
