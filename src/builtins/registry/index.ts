import type { RegoType } from '../../rego/types/types.js';
import type { BuiltinDeclaration, BuiltinGroup } from './declaration.js';
import { parseSignature } from './signature.js';
import { AGGREGATES } from './aggregates.js';
import { ARRAYS } from './arrays.js';
import { COMPARISON } from './comparison.js';
import { CRYPTO } from './crypto.js';
import { ENCODING } from './encoding.js';
import { GLOB } from './glob.js';
import { GRAPH } from './graph.js';
import { GRAPHQL } from './graphql.js';
import { NET } from './net.js';
import { NUMBERS } from './numbers.js';
import { OBJECTS } from './objects.js';
import { REGEX } from './regex.js';
import { RUNTIME } from './runtime.js';
import { SETS } from './sets.js';
import { STRINGS } from './strings.js';
import { TIME } from './time.js';
import { TOKENS } from './tokens.js';
import { TYPES } from './types.js';
import { UNITS } from './units.js';

export type { BuiltinDeclaration, BuiltinGroup } from './declaration.js';
export type { BuiltinSignature } from './signature.js';

/** Every group of declarations, in the order the reference lists them. */
export const BUILTIN_GROUPS: readonly BuiltinGroup[] = [
  COMPARISON, NUMBERS, AGGREGATES, ARRAYS, SETS, OBJECTS, STRINGS, REGEX, GLOB, TYPES, ENCODING,
  UNITS, TIME, CRYPTO, TOKENS, GRAPH, GRAPHQL, NET, RUNTIME,
];

/** What the compiler and runtime read about one builtin, derived from its declaration. */
export interface Builtin {
  readonly name: string;
  readonly signature: string;
  readonly args: readonly RegoType[];
  /** Undefined for a builtin without a result (`internal.print`). */
  readonly result: RegoType | undefined;
  readonly arity: number;
  readonly categories: readonly string[];
  /** The runtime export that answers it inside the module, and whether it may defer to the host. */
  readonly native: { fn: string; defers: boolean } | undefined;
  readonly host: boolean;
  readonly planner: boolean;
  readonly typeChecked: boolean;
  readonly deprecated: boolean;
  readonly nondeterministic: boolean;
  readonly perEvaluation: boolean;
}

function derive(d: BuiltinDeclaration, group: BuiltinGroup): Builtin {
  const sig = parseSignature(d.signature);
  return {
    name: d.name,
    signature: d.signature.trim(),
    args: sig.args,
    result: sig.result,
    arity: sig.args.length,
    categories: d.categories ?? [group.category],
    native: d.native === undefined ? undefined : { fn: d.native, defers: d.defers === true },
    host: d.host === true,
    planner: d.planner === true,
    typeChecked: d.unchecked !== true,
    deprecated: d.deprecated === true,
    nondeterministic: d.nondeterministic === true,
    perEvaluation: d.perEvaluation === true,
  };
}

function build(groups: readonly BuiltinGroup[]): ReadonlyMap<string, Builtin> {
  const out = new Map<string, Builtin>();
  for (const group of groups) {
    for (const d of group.builtins) {
      // A second declaration would silently win in a map: refuse to start instead.
      if (out.has(d.name)) throw new Error(`builtin ${d.name} is declared twice`);
      out.set(d.name, derive(d, group));
    }
  }
  return out;
}

/** Every builtin Warden knows, by OPA name. */
export const BUILTINS: ReadonlyMap<string, Builtin> = build(BUILTIN_GROUPS);

const all = [...BUILTINS.values()];
const names = (keep: (b: Builtin) => boolean): ReadonlySet<string> => new Set(all.filter(keep).map((b) => b.name));

/** Builtins a Rego v1 module may not call. */
export const DEPRECATED_BUILTINS = names((b) => b.deprecated);
/** Builtins without a result: a call is never undefined because of its value. */
export const VOID_BUILTINS = names((b) => b.result === undefined);
/** Builtins whose result differs between calls with the same arguments; never folded or cached. */
export const NON_DETERMINISTIC = names((b) => b.nondeterministic);
/** Builtins whose value is kept for the rest of an evaluation once computed for the same arguments. */
export const PER_EVALUATION_BUILTINS = names((b) => b.perEvaluation);
/** Builtins with a TypeScript implementation in the host table. */
export const HOST_BUILTIN_NAMES = names((b) => b.host);

/** The facts about builtin `name`, if there is one. */
export function builtin(name: string): Builtin | undefined {
  return BUILTINS.get(name);
}

/** How many arguments builtin `name` takes (a call with one more binds the result to it). */
export function builtinArity(name: string): number | undefined {
  return BUILTINS.get(name)?.arity;
}

/** The declared types of builtin `name`, if Warden's compile-time argument check reads them. */
export function builtinSignature(name: string): { args: readonly RegoType[]; result: RegoType } | undefined {
  const b = BUILTINS.get(name);
  if (b === undefined || !b.typeChecked || b.result === undefined) return undefined;
  return { args: b.args, result: b.result };
}
