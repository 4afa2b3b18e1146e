import type { Diagnostic } from '../diagnostics.js';
import type { RuleDef } from './rule-defs.js';

/** An entrypoint's path under `data`: `warden/authz/decision`, `warden.authz.decision` and `data.warden.authz.decision` alike. */
export function entrypointPath(entrypoint: string): string[] {
  return entrypoint.replace(/^data[./]/, '').split(/[./]/).filter(Boolean);
}

const isPrefix = (short: readonly string[], long: readonly string[]) => short.length <= long.length && short.every((s, i) => s === long[i]);

/**
 * Whether an entrypoint path refers to a rule, as OPA's `opa build -e` requires: it names a rule, a
 * package (or a prefix of one) holding rules, or a path inside a rule's value. Anything else would
 * compile to an entrypoint that is always undefined, so a decision named with a typo would deny
 * every request instead of failing the build or the load.
 */
export function refersToRule(defs: readonly RuleDef[], path: readonly string[]): boolean {
  return defs.some((d) => d.kind !== 'function' && (isPrefix(path, d.path) || isPrefix(d.path, path)));
}

/** The diagnostic of an entrypoint that refers to no rule (OPA's wording). */
export function unknownEntrypoint(entrypoint: string): Diagnostic {
  return { code: 'rego_compile_error', message: `entrypoint "${entrypoint}" does not refer to a rule or policy decision`, file: '<entrypoint>', line: 1, col: 1 };
}
