import type { Import, Location, Module, Term } from '../ast.js';
import type { Diagnostic, DiagnosticCode } from '../diagnostics.js';
import { DEPRECATED_BUILTINS } from '../../builtins/registry/index.js';
import { walkRules } from './module-walk.js';
import { refName, ROOTS } from './terms.js';

/** Words Rego v1 reserves; a rule named by one of them cannot be written in v1. */
const REGO_V1_KEYWORDS = new Set(['as', 'contains', 'default', 'else', 'every', 'false', 'if', 'import', 'in', 'not', 'null', 'package', 'some', 'true', 'with']);

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function diagnostic(code: DiagnosticCode, loc: Location, message: string): Diagnostic {
  return { code, message, file: loc.file, line: loc.line, col: loc.col };
}

/** A ref as Rego writes it: `data.foo.bar`, `data.x["a-b"]`. */
export function refText(head: string, path: readonly Term[]): string {
  return head + path.map((p) => (p.type === 'string' ? (VAR_NAME.test(p.value) ? `.${p.value}` : `[${JSON.stringify(p.value)}]`) : '[…]')).join('');
}

/** `import data.foo` or `import data.foo as bar`, as OPA prints an import. */
export function importText(imp: Import): string {
  const head = imp.path.head.type === 'var' ? imp.path.head.name : '';
  return `import ${refText(head, imp.path.path)}${imp.alias ? ` as ${imp.alias}` : ''}`;
}

/** The name an import binds: its alias, else the last segment of its path. */
export function importName(imp: Import): string {
  if (imp.alias) return imp.alias;
  const last = imp.path.path.at(-1);
  if (last?.type === 'string') return last.value;
  return imp.path.head.type === 'var' ? imp.path.head.name : '';
}

/** A second import binding the same name: `import must not shadow import data.foo`. */
export function duplicateImports(module: Module): Diagnostic[] {
  const seen = new Map<string, Import>();
  const out: Diagnostic[] = [];
  for (const imp of module.imports) {
    const name = importName(imp);
    const first = seen.get(name);
    if (first) out.push(diagnostic('rego_compile_error', imp.loc, `import must not shadow ${importText(first)}`));
    else seen.set(name, imp);
  }
  return out;
}

/** Rules, function arguments and assigned variables named `input` or `data`. */
export function rootDocumentOverrides(module: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of module.rules) {
    const first = rule.head.ref[0];
    const name = first?.type === 'var' ? first.name : first?.type === 'string' ? first.value : undefined;
    if (name !== undefined && ROOTS.has(name)) out.push(diagnostic('rego_compile_error', rule.loc, `rules must not shadow ${name} (use a different rule name)`));
    for (const arg of rule.head.args ?? []) {
      if (arg.type === 'var' && ROOTS.has(arg.name)) out.push(diagnostic('rego_compile_error', arg.loc, `args must not shadow ${arg.name} (use a different variable name)`));
    }
  }
  walkRules(module, {
    expr: (e) => {
      if (e.type !== 'call' || refName(e.operator) !== 'assign') return;
      const target = e.args[0];
      if (target?.type === 'var' && ROOTS.has(target.name)) out.push(diagnostic('rego_compile_error', e.loc, `variables must not shadow ${target.name} (use a different variable name)`));
    },
  });
  return out;
}

/** Calls of builtins OPA deprecates (`any`, `re_match`, `cast_*`…), a type error in strict mode and in Rego v1. */
export function deprecatedBuiltinCalls(module: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (name: string | undefined, loc: Location): void => {
    if (name !== undefined && DEPRECATED_BUILTINS.has(name)) out.push(diagnostic('rego_type_error', loc, `deprecated built-in function calls in expression: ${name}`));
  };
  walkRules(module, {
    expr: (e) => e.type === 'call' && report(refName(e.operator), e.loc),
    term: (t) => t.type === 'call' && report(refName(t.operator), t.loc),
  });
  return out;
}

/** Rules named by a Rego v1 keyword (`if := 1` in a v0 module). */
export function keywordRuleNames(module: Module): Diagnostic[] {
  return module.rules.flatMap((rule) => {
    const [first, ...rest] = rule.head.ref;
    if (rest.length > 0 || first?.type !== 'var' || !REGO_V1_KEYWORDS.has(first.name)) return [];
    return [diagnostic('rego_parse_error', rule.loc, `${first.name} keyword cannot be used for rule name`)];
  });
}

/**
 * OPA's rego.v1 compatibility check as `opa fmt` runs it for a v1 or v0-compatible-v1 target (with
 * the `if`, `contains` and body-or-value requirements off, which the formatter's output meets
 * anyway), in OPA's order: duplicate imports, `input`/`data` overrides, deprecated builtins, then
 * rule names that are keywords.
 */
export function regoV1CompatibilityErrors(module: Module): Diagnostic[] {
  return [...duplicateImports(module), ...rootDocumentOverrides(module), ...deprecatedBuiltinCalls(module), ...keywordRuleNames(module)];
}
