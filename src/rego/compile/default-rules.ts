import type { Module, Rule, Term } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';

const KIND: Partial<Record<Term['type'], string>> = { ref: 'ref', var: 'var', call: 'call' };

/**
 * What OPA's parser rejects in `default` rules (validateDefaultRuleValue/Args): a value holding a
 * reference, variable or call outside a comprehension (a default needs no evaluation that could
 * be undefined; a comprehension is evaluated and always defined), and function arguments that are
 * not distinct variables.
 */
export function checkDefaultRules(modules: readonly Module[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of modules) for (const r of m.rules) if (r.default) checkDefault(r, out);
  return out;
}

function checkDefault(rule: Rule, out: Diagnostic[]): void {
  const report = (message: string) => out.push({ code: 'rego_parse_error', message, file: rule.loc.file, line: rule.loc.line, col: rule.loc.col });
  const seen = new Set<string>();
  for (const a of rule.head.args ?? []) {
    if (a.type !== 'var') report(`illegal default rule (arguments cannot contain ${a.type})`);
    else if (seen.has(a.name)) report(`illegal default rule (arguments cannot be repeated ${a.name})`);
    else seen.add(a.name);
  }
  if (rule.head.value) {
    const found = firstEvaluated(rule.head.value);
    if (found) report(`illegal default rule (value cannot contain ${found})`);
  }
}

/** The kind of the first term in `t` that needs evaluating, comprehensions aside. */
function firstEvaluated(t: Term): string | undefined {
  const kind = KIND[t.type];
  if (kind) return kind;
  switch (t.type) {
    case 'array':
    case 'set':
      return t.items.map(firstEvaluated).find((k) => k !== undefined);
    case 'object':
      return t.entries.flat().map(firstEvaluated).find((k) => k !== undefined);
    case 'templateString':
      return t.parts.map((p) => (typeof p === 'string' ? undefined : firstEvaluated(p))).find((k) => k !== undefined);
    default:
      return undefined;
  }
}
