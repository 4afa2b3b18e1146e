import type { Expr, Module } from '../rego/ast.js';
import { exprTerms, varsOf } from '../rego/compile/terms.js';

/**
 * What probe rules (Rego written by the tester next to a test, in its package) need from the test's
 * module: the source text of any node, the syntax to write heads in, and which names are locals.
 */
export interface ProbeContext {
  module: Module;
  /** The source text of a node of this module. */
  text(node: { loc: { offset: number; end: number } }): string;
  /** `:=` and `if {` in v1 (or v0 with the v1 keywords), `=` and `{` in plain v0. */
  assign: string;
  bodyOpen: string;
  /** True where the module can write `contains` (a partial set head). */
  hasContains: boolean;
  /** A name bound inside a rule body (not a rule of the package, an import, `input` or `data`). */
  isLocal(name: string): boolean;
  /** `package …` and the imports, the first lines of a probe module. */
  preamble: string;
}

/** The probe context of `module`, whose source is `source`; `ruleNames` are the package-level rule names. */
export function probeContext(module: Module, source: string, ruleNames: ReadonlySet<string>): ProbeContext {
  const text = (node: { loc: { offset: number; end: number } }) => source.slice(node.loc.offset, node.loc.end);
  const globals = new Set(['input', 'data', ...module.imports.map((i) => i.alias ?? (i.path.path.at(-1) as { value?: string } | undefined)?.value ?? '')]);
  // Probe rules in the module's own syntax (v0 modules without the v1 keywords have no `if`).
  const v1Syntax = module.regoVersion === 1 || /\bimport\s+(rego\.v1|future\.keywords)/.test(source);
  const pkg = module.package.path.map((p) => p.value).join('.');
  return {
    module,
    text,
    assign: v1Syntax ? ':=' : '=',
    bodyOpen: v1Syntax ? 'if {' : '{',
    hasContains: v1Syntax,
    isLocal: (name) => !name.startsWith('$') && !globals.has(name) && !ruleNames.has(name),
    preamble: `package ${pkg}\n${module.imports.map(text).join('\n')}\n`,
  };
}

/** Every package-level rule name of `modules` (what a body's names may refer to besides locals). */
export function ruleNamesOf(modules: readonly Module[]): Set<string> {
  const names = new Set<string>();
  for (const m of modules) for (const r of m.rules) if (r.head.ref[0]?.type === 'var') names.add(r.head.ref[0].name);
  return names;
}

/** Names an expression binds or reads at its own level (not inside comprehensions or `every`). */
export function topLevelVars(e: Expr, out: Set<string>): void {
  if (e.type === 'every') return;
  for (const t of exprTerms(e, true)) varsOf(t, out);
}
