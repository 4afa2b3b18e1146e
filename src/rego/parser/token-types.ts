/**
 * Token types as data, in the manner of acorn: each type carries its label (for messages) and, for
 * operators, the builtin it becomes and its binding power, so that the expression parser is a table
 * walk rather than a ladder of special cases.
 */

/** An infix operator: the builtin it calls and its precedence (higher binds tighter). */
export interface BinaryOperator {
  fn: string;
  prec: number;
}

export type TokenKind = 'name' | 'keyword' | 'literal' | 'punct' | 'eof';

export class TokenType {
  constructor(
    readonly label: string,
    readonly kind: TokenKind,
    readonly binop?: BinaryOperator,
  ) {}
}

const punct = (label: string, binop?: BinaryOperator) => new TokenType(label, 'punct', binop);
const keyword = (label: string) => new TokenType(label, 'keyword');

/**
 * OPA's binding order, loosest first: comparisons, `|`, `&`, `+ -`, `* / %` (`v1/ast/parser.go`,
 * parseTermRelation → parseTermOr → parseTermAnd → parseTermArith → parseTermFactor). `in` and
 * `:=`/`=` sit above these and are parsed separately.
 */
export const PREC = { relation: 1, or: 2, and: 3, arith: 4, factor: 5 } as const;

export const tt = {
  name: new TokenType('identifier', 'name'),
  num: new TokenType('number', 'literal'),
  string: new TokenType('string', 'literal'),
  /** One literal stretch of a template string, up to its next `{` or its closing quote. */
  template: new TokenType('template string', 'literal'),
  eof: new TokenType('end of input', 'eof'),

  bracketL: punct('['),
  bracketR: punct(']'),
  braceL: punct('{'),
  braceR: punct('}'),
  parenL: punct('('),
  parenR: punct(')'),
  comma: punct(','),
  colon: punct(':'),
  semi: punct(';'),
  dot: punct('.'),
  assign: punct(':='),
  unify: punct('='),

  equal: punct('==', { fn: 'equal', prec: PREC.relation }),
  neq: punct('!=', { fn: 'neq', prec: PREC.relation }),
  lt: punct('<', { fn: 'lt', prec: PREC.relation }),
  gt: punct('>', { fn: 'gt', prec: PREC.relation }),
  lte: punct('<=', { fn: 'lte', prec: PREC.relation }),
  gte: punct('>=', { fn: 'gte', prec: PREC.relation }),
  bitOr: punct('|', { fn: 'or', prec: PREC.or }),
  bitAnd: punct('&', { fn: 'and', prec: PREC.and }),
  plus: punct('+', { fn: 'plus', prec: PREC.arith }),
  minus: punct('-', { fn: 'minus', prec: PREC.arith }),
  star: punct('*', { fn: 'mul', prec: PREC.factor }),
  slash: punct('/', { fn: 'div', prec: PREC.factor }),
  modulo: punct('%', { fn: 'rem', prec: PREC.factor }),

  _package: keyword('package'),
  _import: keyword('import'),
  _as: keyword('as'),
  _default: keyword('default'),
  _else: keyword('else'),
  _not: keyword('not'),
  _some: keyword('some'),
  _with: keyword('with'),
  _null: keyword('null'),
  _true: keyword('true'),
  _false: keyword('false'),
  _in: keyword('in'),
  _every: keyword('every'),
  _contains: keyword('contains'),
  _if: keyword('if'),
} as const;

/** Keywords in every Rego version. */
export const BASE_KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['package', tt._package],
  ['import', tt._import],
  ['as', tt._as],
  ['default', tt._default],
  ['else', tt._else],
  ['not', tt._not],
  ['some', tt._some],
  ['with', tt._with],
  ['null', tt._null],
  ['true', tt._true],
  ['false', tt._false],
]);

/** Keywords of Rego v1 that v0 modules get only through `import future.keywords…` or `import rego.v1`. */
export const FUTURE_KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['in', tt._in],
  ['every', tt._every],
  ['contains', tt._contains],
  ['if', tt._if],
]);

/** Longest first, so that `:=` wins over `:` and `==` over `=`. */
export const PUNCTUATORS: ReadonlyArray<readonly [string, TokenType]> = [
  [':=', tt.assign],
  ['==', tt.equal],
  ['!=', tt.neq],
  ['<=', tt.lte],
  ['>=', tt.gte],
  ['[', tt.bracketL],
  [']', tt.bracketR],
  ['{', tt.braceL],
  ['}', tt.braceR],
  ['(', tt.parenL],
  [')', tt.parenR],
  [',', tt.comma],
  [':', tt.colon],
  [';', tt.semi],
  ['.', tt.dot],
  ['=', tt.unify],
  ['<', tt.lt],
  ['>', tt.gt],
  ['|', tt.bitOr],
  ['&', tt.bitAnd],
  ['+', tt.plus],
  ['-', tt.minus],
  ['*', tt.star],
  ['/', tt.slash],
  ['%', tt.modulo],
];

/** The value a template token carries: its decoded text and whether the closing quote ends it. */
export interface TemplatePart {
  text: string;
  closed: boolean;
  raw: boolean;
}
