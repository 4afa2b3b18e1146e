/**
 * Rego's abstract syntax tree, as Warden's parser produces it and its checks and planner consume it.
 * It follows OPA's `v1/ast` closely (terms, expressions, rules, modules) so that OPA's semantics map
 * one to one, with operators already turned into calls as OPA does (`a + b` is `plus(a, b)`).
 */

export interface Location {
  file: string;
  /** 1-based line and column (column counts code points). */
  line: number;
  col: number;
  /** 0-based offsets into the source text, [start, end). */
  offset: number;
  end: number;
}

interface Node {
  loc: Location;
  /** Set on a term written in parentheses: the span including them (the formatter keeps some). */
  parens?: Location;
}

export interface NullTerm extends Node { type: 'null' }
export interface BooleanTerm extends Node { type: 'boolean'; value: boolean }
/** Numbers keep their exact source text (`1e3`, `0.10`, `-5`, `123456789012345678901234567890`). */
export interface NumberTerm extends Node { type: 'number'; text: string }
export interface StringTerm extends Node { type: 'string'; value: string }
/**
 * A variable. `_` is given a unique name `$_N` by the parser (each wildcard is a fresh variable);
 * the parser also names generated variables with a leading `$`, which no source variable has.
 */
export interface VarTerm extends Node { type: 'var'; name: string }
/**
 * A reference: `head` then `path`. `input.a[x]["b"]` is head var `input` with path
 * [string "a", var x, string "b"]. A dotted segment `.a` is a string term. The head may also be a
 * call, array, object, set or comprehension term (`f(x)[0]`, `[1,2][i]`).
 */
export interface RefTerm extends Node { type: 'ref'; head: Term; path: Term[] }
export interface ArrayTerm extends Node { type: 'array'; items: Term[] }
export interface ObjectTerm extends Node { type: 'object'; entries: Array<[Term, Term]> }
export interface SetTerm extends Node { type: 'set'; items: Term[] }
export interface ArrayComprehension extends Node { type: 'arrayComprehension'; head: Term; body: Body }
/** `templateValue`: made by the parser for a template-string value with `with` modifiers. */
export interface SetComprehension extends Node { type: 'setComprehension'; head: Term; body: Body; templateValue?: boolean }
export interface ObjectComprehension extends Node { type: 'objectComprehension'; key: Term; value: Term; body: Body }
/**
 * A call in term position: `count(x)`, or an operator: `a + b` is operator ref `plus` with args
 * [a, b]. `operator` is the function's name as a ref (var head, string path: `io.jwt.decode` is
 * head var `io` and path ["jwt", "decode"]).
 */
export interface CallTerm extends Node { type: 'call'; operator: RefTerm; args: Term[] }
/** `$"Hello {name}!"`: literal parts (strings) and embedded terms, in order. */
export interface TemplateStringTerm extends Node { type: 'templateString'; parts: Array<string | Term> }

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | TemplateStringTerm;

/** `with target as value`; target is a ref (`input.x`, `data.a.b`, `count`, `data.pkg.f`). */
export interface WithModifier extends Node { target: RefTerm; value: Term }

/**
 * One expression of a body.
 * - `term`: a bare term (`input.allowed`, `true`, `x`), true when defined and not false.
 * - `call`: a builtin or function call in expression position, including every operator:
 *   `x = y` is `eq(x, y)`, `x := y` is `assign(x, y)`, `x == y` is `equal(x, y)`, `x != y` is
 *   `neq`, `<` `lt`, `<=` `lte`, `>` `gt`, `>=` `gte`, `x in xs` is `internal.member_2(x, xs)`,
 *   `k, v in xs` is `internal.member_3(k, v, xs)`. Arithmetic (`plus`, `minus`, `mul`, `div`,
 *   `rem`), set (`and` for `&`, `or` for `|`) operators appear as CallTerms inside.
 *   A call with one argument more than the function declares binds its output
 *   (`count(x, n)`); that is the planner's business, not the parser's.
 * - `some`: `some x, y` declarations (no `in`).
 * - `someIn`: `some x in xs` / `some k, v in xs` (key absent for the one-variable form).
 * - `every`: `every x in xs { ... }` / `every k, v in xs { ... }`.
 */
export type ExprKind =
  | { type: 'term'; term: Term }
  | { type: 'call'; operator: RefTerm; args: Term[] }
  | { type: 'some'; vars: VarTerm[] }
  | { type: 'someIn'; key?: Term; value: Term; collection: Term }
  | { type: 'every'; key?: VarTerm; value: VarTerm; domain: Term; body: Body };

/**
 * How a desugared `A or B and C` chain or a `not { … }` block was written, for tools that print
 * source (the formatter). `or` holds the alternatives, each the operands of an `and` chain; an
 * operand written in braces (`{ A; B }`) has `block` set, with its location.
 */
export type LogicalForm =
  | { kind: 'or'; alternatives: LogicalOperand[][] }
  | { kind: 'not'; body: Body; block: Location };

export interface LogicalOperand {
  body: Body;
  block?: Location;
  /** `(A or B)`: the one expression of `body` is a chain written in parentheses. */
  group?: boolean;
}

export type Expr = Node &
  ExprKind & {
    negated: boolean;
    with: WithModifier[];
    logical?: LogicalForm;
    /**
     * A negated expression of a module importing `future.keywords.not` (or `future.keywords`, or
     * `rego.v2`): its operands are evaluated inside the negation, as a `not { … }` body, so one that
     * is undefined makes the negation hold. Without it, as OPA evaluates `not` by default, they are
     * evaluated before it (see hoistNegationOperands).
     */
    operandsInside?: true;
    /**
     * An `x := value` (unification from then on): the value must be bound by other expressions, never
     * through the variables assigned (OPA 1.19's safety check, open-policy-agent/opa#8874).
     */
    fromAssign?: true;
  };

export type Body = Expr[];

/**
 * A rule head. `ref` is the rule's path relative to the package: `p` is [var p]; `a.b[c]` is
 * [var a, string b, var c]; `a["x"].y` is [var a, string x, string y].
 * - complete rule: `p := 1`, `p = 1`, `p if ...` (value true), `default p := 0`
 * - partial set: `p contains x if ...` (v1), `p[x] { ... }` (v0, no value) → `key` set, no value
 * - partial object / ref head: `p[k] := v`, `a.b[c] := v`, v0 `p[k] = v { }` → `key` is the last
 *   ref element when it is not a plain string, value set
 * - function: `f(x, y) := v if ...` → `args` set
 * `assign` records `:=` (versus `=` or none), so checks can reject redefinition with `:=`.
 */
export interface RuleHead extends Node {
  ref: Term[];
  args?: Term[];
  /** Set for partial sets (`contains`, v0 `p[x]`) — the element. */
  key?: Term;
  /** The value; absent for partial sets; `true` when the head has no value (`p if ...`). */
  value?: Term;
  assign: boolean;
  /** `contains` in the source, or a v0 `p[x]` head without a value. */
  contains: boolean;
}

export interface Rule extends Node {
  head: RuleHead;
  /** An empty body for rules without one (`p := 1`); a body of `true` is what OPA gives them too. */
  body: Body;
  default: boolean;
  /** The `else` chain: each has its own head value (and the same ref/args) and body. */
  else?: Rule;
  annotations?: Annotations;
}

export interface Import extends Node {
  /** `data.x.y`, `input.z`, `future.keywords.in`, `rego.v1` as a ref. */
  path: RefTerm;
  alias?: string;
}

export interface Package extends Node {
  /** `package a.b.c` → [string a, string b, string c] (without the `data` head). */
  path: StringTerm[];
}

/** A METADATA comment block, parsed from YAML (scope, title, description, entrypoint, custom, …). */
export interface Annotations extends Node {
  scope: 'rule' | 'document' | 'package' | 'subpackages';
  fields: Record<string, unknown>;
}

export interface Module {
  file: string;
  regoVersion: 0 | 1;
  package: Package;
  imports: Import[];
  rules: Rule[];
  annotations: Annotations[];
  /** Comments, kept for tools (coverage, formatting). */
  comments: Array<{ text: string; loc: Location }>;
}
