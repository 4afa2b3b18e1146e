/** What the formatter writes for the target Rego version and the module's imports (OPA's fmtOpts). */
export interface LayoutOptions {
  /** Formatting for Rego v1 or v0-compatible-v1: `:=` for rule values. */
  regoV1: boolean;
  /** Rules with bodies get `if`. */
  ifs: boolean;
  /** Partial sets are written `p contains x`. */
  contains: boolean;
  /** Some rule needs a ref head: heads are written as refs (`a.b.c`), never `a["b"]`. */
  refHeads: boolean;
  /** `not { … }` blocks exist (future keyword `not`): `not ({x})` keeps its parentheses. */
  notBlocks: boolean;
  /** Keywords that a ref segment quoted in the source keeps quoted (`p["if"]`). */
  keywords: ReadonlySet<string>;
}

export const KEYWORDS_V0 = ['not', 'package', 'import', 'as', 'default', 'else', 'with', 'null', 'true', 'false', 'some'];
export const KEYWORDS_V1 = [...KEYWORDS_V0, 'if', 'contains', 'in', 'every'];

/** The builtins written as infix operators, by name. */
export const INFIX: Readonly<Record<string, string>> = {
  eq: '=',
  assign: ':=',
  equal: '==',
  neq: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  plus: '+',
  minus: '-',
  mul: '*',
  div: '/',
  rem: '%',
  and: '&',
  or: '|',
  'internal.member_2': 'in',
  'internal.member_3': 'in',
};
