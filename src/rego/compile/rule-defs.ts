import type { Body, Location, Module, Rule, Term } from '../ast.js';

export type RuleKind = 'complete' | 'set' | 'object' | 'function';

/** One definition of a rule after name resolution: where it lives in `data`, its kind and terms. */
export interface RuleDef {
  rule: Rule;
  module: Module;
  /** Ground path under `data` (package + leading string segments of the head ref). */
  path: string[];
  kind: RuleKind;
  /** Partial objects: the non-ground rest of the head ref (one key per level). */
  keys: Term[];
  /** Partial sets: the element. */
  element?: Term;
  /** Complete rules, objects, functions: the value (true when the head has none). */
  value: Term;
  args: Term[];
  body: Body;
  isDefault: boolean;
  /** `else` branches, in order, already resolved. */
  elses: Array<{ value: Term; body: Body; loc: Location }>;
  loc: Location;
}

/** All definitions at one path. */
export interface RuleGroup {
  path: string[];
  kind: RuleKind;
  defs: RuleDef[];
  defaults: RuleDef[];
  arity: number;
}

export const pathKey = (path: string[]) => path.join('\u0000');
