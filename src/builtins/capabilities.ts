import { BUILTINS, type Builtin } from './registry/index.js';
import type { RegoType } from '../rego/types/types.js';

/** A type as OPA's capabilities and type checker write it in JSON (`types.Type`). */
export type TypeJson = { type: string; of?: TypeJson | TypeJson[]; dynamic?: TypeJson | { key: TypeJson; value: TypeJson } };

/** One builtin of `opa capabilities`: its name, declaration, and the flags OPA sets. */
export interface BuiltinCapability {
  name: string;
  decl: { args?: TypeJson[]; result?: TypeJson; type: 'function'; variadic?: TypeJson };
  infix?: string;
  relation?: boolean;
  nondeterministic?: boolean;
  deprecated?: boolean;
}

/** OPA's capabilities document. */
export interface Capabilities {
  builtins: BuiltinCapability[];
  future_keywords: string[];
  wasm_abi_versions: Array<{ version: number; minor_version: number }>;
  features: string[];
}

const INFIX: Record<string, string> = {
  eq: '=', assign: ':=', equal: '==', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=',
  plus: '+', minus: '-', mul: '*', div: '/', rem: '%', and: '&', or: '|', 'internal.member_2': 'in', 'internal.member_3': 'in',
};

/** Builtins that enumerate (OPA's `Relation`), where a call with an unbound output iterates. */
const RELATIONS = new Set(['walk']);

/** The module ABI Warden's compiler emits (`opa_wasm_abi_version`, `opa_wasm_abi_minor_version`). */
const WASM_ABI = { version: 1, minor_version: 3 };

/** The Rego language features Warden's compiler accepts, in OPA's names (OPA 1.20 lists the first, the second and the last). */
const FEATURES = ['keywords_in_refs', 'rego_v1', 'rule_head_ref_string_prefixes', 'rule_head_refs', 'template_strings'];

/**
 * The future keywords a module may import: Rego v1's own (which a v0 module imports) and the ones
 * OPA 1.20 lists, `and`, `or` and `not` (`not { … }` blocks and the newer reading of negation).
 */
const FUTURE_KEYWORDS = ['and', 'contains', 'every', 'if', 'in', 'not', 'or'];

/** `print(…)`, which the compiler turns into `internal.print`: any number of arguments of any type, as OPA declares it. */
const PRINT: BuiltinCapability = { name: 'print', decl: { type: 'function', variadic: { type: 'any' } } };

/** OPA's order of types (`types.Compare`), which it keeps union members in. */
const TYPE_ORDER = ['null', 'boolean', 'number', 'string', 'array', 'object', 'set', 'any', 'union'];
const typeRank = (t: RegoType) => TYPE_ORDER.indexOf(t.kind);

/** A Warden type in OPA's JSON notation. */
export function typeJson(t: RegoType): TypeJson {
  switch (t.kind) {
    case 'array':
      return { type: 'array', dynamic: typeJson(t.of) };
    case 'set':
      return { type: 'set', of: typeJson(t.of) };
    case 'object':
      return { type: 'object', dynamic: { key: typeJson(t.key), value: typeJson(t.value) } };
    case 'union':
      return { type: 'any', of: [...t.of].sort((a, b) => typeRank(a) - typeRank(b)).map(typeJson) };
    default:
      return { type: t.kind };
  }
}

function capabilityOf(b: Builtin): BuiltinCapability {
  // As OPA writes a declaration: no `args` for a builtin that takes none.
  const decl: BuiltinCapability['decl'] = { ...(b.args.length > 0 ? { args: b.args.map(typeJson) } : {}), ...(b.result ? { result: typeJson(b.result) } : {}), type: 'function' };
  return {
    name: b.name,
    decl,
    ...(INFIX[b.name] ? { infix: INFIX[b.name] } : {}),
    ...(RELATIONS.has(b.name) ? { relation: true } : {}),
    ...(b.nondeterministic ? { nondeterministic: true } : {}),
    ...(b.deprecated ? { deprecated: true } : {}),
  };
}

/**
 * What this Warden supports, as `opa capabilities --current` prints it: every builtin of the
 * registry with its declared types, the future keywords, the Wasm ABI and the language features.
 * Tools such as `opa check --capabilities` and Regal read this document.
 */
export function currentCapabilities(): Capabilities {
  const builtins = [...[...BUILTINS.values()].map(capabilityOf), PRINT];
  return {
    builtins: builtins.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    future_keywords: FUTURE_KEYWORDS,
    wasm_abi_versions: [WASM_ABI],
    features: FEATURES,
  };
}
