import type { Body, Expr, Location, Module, Term, VarTerm } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { headTerms, ruleBranches, walkRules } from './module-walk.js';
import { duplicateImports, importName, importText, rootDocumentOverrides } from './rego-v1-checks.js';
import { exprTerms, isGenerated, refName, varsOf, walkTerm } from './terms.js';

/** A scope where `:=` declares locals: a rule body, a comprehension body or an `every` body, with the terms beside it. */
interface Scope {
  body: Body;
  around: Term[];
}

function compileError(loc: Location, message: string): Diagnostic {
  return { code: 'rego_compile_error', message, file: loc.file, line: loc.line, col: loc.col };
}

function isComprehension(t: Term): t is Extract<Term, { body: Body }> {
  return t.type === 'arrayComprehension' || t.type === 'setComprehension' || t.type === 'objectComprehension';
}

function comprehensionScope(t: Extract<Term, { body: Body }>): Scope {
  return { body: t.body, around: t.type === 'objectComprehension' ? [t.key, t.value] : [t.head] };
}

/** The scope and every scope nested in it, at any depth. */
function nestedScopes(scope: Scope): Scope[] {
  const out: Scope[] = [scope];
  const seen = new Set<Term>();
  const collect = (t: Term): void =>
    walkTerm(t, (x) => {
      if (!isComprehension(x) || seen.has(x)) return;
      seen.add(x);
      out.push(comprehensionScope(x));
      everyScopes(x.body);
    });
  const everyScopes = (body: Body): void => {
    for (const e of body) {
      if (e.type !== 'every') continue;
      out.push({ body: e.body, around: [] });
      everyScopes(e.body);
    }
  };
  scope.around.forEach(collect);
  const walkBody = (body: Body): void => {
    for (const e of body) {
      exprTerms(e).forEach(collect);
      if (e.type === 'every') {
        out.push({ body: e.body, around: [] });
        walkBody(e.body);
      }
    }
  };
  walkBody(scope.body);
  return out;
}

/** How often each variable occurs in a body and the terms beside it, nested scopes included. */
function occurrences(body: Body, around: readonly Term[]): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (t: Term): void =>
    walkTerm(t, (x) => {
      if (x.type === 'var') counts.set(x.name, (counts.get(x.name) ?? 0) + 1);
    });
  around.forEach(count);
  const walkBody = (b: Body): void => {
    for (const e of b) {
      exprTerms(e).forEach(count);
      if (e.type === 'every') walkBody(e.body);
    }
  };
  walkBody(body);
  return counts;
}

function assignedVars(e: Expr): VarTerm[] {
  if (e.type !== 'call' || refName(e.operator) !== 'assign' || !e.args[0]) return [];
  const out: VarTerm[] = [];
  walkTerm(e.args[0], (x) => x.type === 'var' && !isGenerated(x.name) && out.push(x));
  return out;
}

/** `x := …` where `x` is never read in its scope: `assigned var x unused`. */
export function unusedAssignedVars(module: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of module.rules) {
    for (const branch of ruleBranches(rule)) {
      for (const scope of nestedScopes({ body: branch.body, around: headTerms(branch) })) {
        const counts = occurrences(scope.body, scope.around);
        for (const e of scope.body) {
          for (const v of assignedVars(e)) if ((counts.get(v.name) ?? 0) <= 1) out.push(compileError(e.loc, `assigned var ${v.name} unused`));
        }
      }
    }
  }
  return out;
}

/** A function argument no body or value reads: `unused argument x. (hint: use _ (wildcard variable) instead)`. */
export function unusedArguments(module: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of module.rules) {
    const args = rule.head.args;
    if (!args) continue;
    const counts = occurrences([], args);
    for (const branch of ruleBranches(rule)) {
      const around = headTerms({ ...branch, head: { ...branch.head, args: [] } });
      for (const [name, n] of occurrences(branch.body, around)) counts.set(name, (counts.get(name) ?? 0) + n);
    }
    for (const arg of args) {
      for (const name of varsOf(arg, new Set(), true)) {
        if (isGenerated(name) || (counts.get(name) ?? 0) > 1) continue;
        out.push(compileError(rule.head.loc, `unused argument ${name}. (hint: use _ (wildcard variable) instead)`));
      }
    }
  }
  return out;
}

/** Imports no rule refers to (`rego.v1` and `future.keywords` excepted): `import data.foo unused`. */
export function unusedImports(module: Module): Diagnostic[] {
  const used = new Set<string>();
  walkRules(module, { term: (t) => t.type === 'var' && used.add(t.name) });
  return module.imports
    .filter((imp) => {
      const head = imp.path.head.type === 'var' ? imp.path.head.name : '';
      return head !== 'rego' && head !== 'future' && !used.has(importName(imp));
    })
    .map((imp) => compileError(imp.loc, `${importText(imp)} unused`));
}

/**
 * OPA's strict-mode checks (`opa check --strict`) that run before its other checks, on parsed
 * modules. OPA's compiler stops after the first stage that reports anything, so these come in its
 * stage order and only the first group with errors is returned: unused imports (OPA's
 * `ResolveRefs`), `input`/`data` shadowed (`CheckKeywordOverrides`), duplicate imports, then
 * unused local assignments and function arguments (`RewriteLocalVars`). Deprecated builtins are
 * OPA's last stage: see {@link deprecatedBuiltinCalls}, which the type-check stage runs.
 */
export function strictDiagnostics(modules: readonly Module[]): Diagnostic[] {
  const groups: Array<(m: Module) => Diagnostic[]> = [
    unusedImports,
    rootDocumentOverrides,
    duplicateImports,
    (m) => [...unusedAssignedVars(m), ...unusedArguments(m)],
  ];
  for (const group of groups) {
    const found = modules.flatMap(group);
    if (found.length > 0) return found;
  }
  return [];
}
