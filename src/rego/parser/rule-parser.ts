import type { Body, Rule, RuleHead, Term } from '../ast.js';
import { BodyParser } from './body-parser.js';
import { ParseError } from './parser-state.js';
import { FUTURE_KEYWORDS, tt } from './token-types.js';
import { termKindName } from './term-parser.js';

/** A problem found at an offset that does not stop the parse (the statement itself is complete). */
export interface Issue {
  offset: number;
  message: string;
}

/** True when a term has no variables, references or calls (ref heads with `else` must be ground). */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.entries.every(([k, v]) => isGround(k) && isGround(v));
    case 'templateString':
      return t.parts.every((p) => typeof p === 'string' || isGround(p));
    default:
      return false;
  }
}

/**
 * Rules: complete (`p := 1`, `p if …`), partial set (`p contains x`, v0 `p[x] { … }`), partial
 * object and ref heads (`p[k] := v`, `a.b.c := 1`), functions, `default`, `else` chains, and v0's
 * several bodies for one head (`p { a } { b }`). A rule head is classified as OPA does it.
 * Violations of v1's rules are kept apart: they become errors only if the module turns out to follow
 * v1 (v1 requested, or v0 with `import rego.v1`).
 */
export abstract class RuleParser extends BodyParser {
  softErrors: Issue[] = [];
  v1Violations: Issue[] = [];

  parseRuleStatement(): Rule[] {
    const start = this.start;
    const isDefault = this.atKeyword(tt._default);
    if (isDefault) this.next();
    if (this.type !== tt.name && !this.keywordAsName()) {
      if (this.type.kind === 'keyword' && FUTURE_KEYWORDS.has(this.type.label)) this.raise(this.start, `${this.type.label} keyword cannot be used for rule name`);
      this.unexpected(isDefault ? 'expected rule name after default' : 'expected rule name');
    }
    const name = this.parseVar();
    const headTerm = this.parsePostfix(name, true);
    let ref: Term[];
    let args: Term[] | undefined;
    if (headTerm.type === 'call') {
      ref = [headTerm.operator.head, ...headTerm.operator.path];
      args = headTerm.args;
    } else if (headTerm.type === 'ref') {
      if (headTerm.head.type !== 'var') this.raise(headTerm.loc.offset, `invalid rule head: ${termKindName(headTerm.head)} in rule head reference`);
      ref = [headTerm.head, ...headTerm.path];
    } else {
      ref = [headTerm];
    }
    const head: RuleHead = { ref, args, assign: false, contains: false, loc: this.loc(start) };
    if (this.atKeyword(tt._contains)) {
      if (args) this.raise(this.start, `the contains keyword can only be used with multi-value rule definitions (e.g., ${name.name} contains <VALUE> { ... })`);
      this.next();
      head.key = this.parseInfix(true);
      head.contains = true;
    } else if (this.type === tt.assign || this.type === tt.unify) {
      head.assign = this.type === tt.assign;
      this.next();
      head.value = this.parseInfix(true);
    }
    head.loc = this.loc(start);
    const kind = args ? 'function' : 'rule';

    if (isDefault) {
      if (head.value === undefined) this.softErrors.push({ offset: start, message: 'illegal default rule (must have a value)' });
      else this.checkDefault(head, start);
      this.classify(head);
      return [{ head, body: [], default: true, loc: this.loc(start) }];
    }

    const hasIf = this.atKeyword(tt._if);
    // v0's `p[x] { … }` (no `if`, no value) declares a partial set, even `p.q { … }`.
    const v0Set = !hasIf && !head.contains && !args && ref.length === 2 && head.value === undefined;
    if (v0Set) {
      head.contains = true;
      head.key = ref[1];
      head.ref = [ref[0]!];
    }
    let body: Body | undefined;
    let braceWithoutIf = false;
    if (hasIf) {
      this.next();
      body = this.parseIfBody();
    } else if (this.type === tt.braceL) {
      braceWithoutIf = true;
      body = this.parseBraceBody();
    }
    const generatedValue = head.value === undefined && !head.contains;
    this.classify(head);

    if (body === undefined && generatedValue) {
      if (ref.length === 1 && !args) this.softErrors.push({ offset: start, message: 'var cannot be used for rule name' });
      else this.v1Violations.push({ offset: start, message: `${kind} must have value assignment and/or body declaration` });
    }
    if (braceWithoutIf) this.v1Violations.push({ offset: start, message: `\`if\` keyword is required before ${kind} body` });
    if (v0Set) this.v1Violations.push({ offset: start, message: '`contains` keyword is required for partial set rules' });

    const rule: Rule = { head, body: body ?? [], default: false, loc: this.loc(start) };
    if (body && this.atKeyword(tt._else)) {
      if (head.ref.length > 1 && !head.ref.slice(1).every(isGround)) this.raise(this.start, 'else keyword cannot be used on rules with variables in head');
      if (head.contains) this.raise(this.start, 'else keyword cannot be used on multi-value rules');
      rule.else = this.parseElse(head, kind);
    }
    rule.loc = this.loc(start);
    const rules = [rule];
    while (body && this.type === tt.braceL) {
      if (rule.else) this.unexpected('expected else keyword');
      const bodyStart = this.start;
      const more = this.parseBraceBody();
      if (!hasIf) this.v1Violations.push({ offset: bodyStart, message: `\`if\` keyword is required before ${kind} body` });
      rules.push({ head: this.copyHead(head, bodyStart), body: more, default: false, loc: this.loc(bodyStart) });
    }
    return rules;
  }

  /** `value` defaults to `true`; `key` is the last ref element of a single-value head unless a plain string. */
  private classify(head: RuleHead): void {
    if (head.contains) return;
    if (head.value === undefined) head.value = { type: 'boolean', value: true, loc: head.loc };
    const last = head.ref[head.ref.length - 1]!;
    if (head.ref.length > 1 && last.type !== 'string') head.key = last;
  }

  /**
   * After `if`: one expression, or a braced body. A `{` may start either (`p if {…}.x`), so as OPA
   * does, the expression is tried first and a set literal (`p if { x }`) means a body after all.
   */
  private parseIfBody(): Body {
    if (this.type !== tt.braceL) {
      if (this.type === tt.eof) this.unexpected('expected rule body after if');
      return [this.parseLiteral()];
    }
    const snap = this.snapshot();
    try {
      const expr = this.parseLiteral();
      if (!(expr.type === 'term' && expr.term.type === 'set')) return [expr];
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
    this.restore(snap);
    return this.parseBraceBody();
  }

  protected parseBraceBody(): Body {
    this.expect(tt.braceL);
    const body = this.parseBody(tt.braceR);
    this.expect(tt.braceR, 'expected `}` to close the body');
    return body;
  }

  /** `else [= v | := v] [if] { … }` or `else … if expr`; chains recursively. */
  private parseElse(head: RuleHead, kind: string): Rule {
    const start = this.start;
    this.next();
    const elseHead = this.copyHead(head, start);
    elseHead.assign = false;
    if (this.type === tt.assign || this.type === tt.unify) {
      elseHead.assign = this.type === tt.assign;
      this.next();
      elseHead.value = this.parseInfix(true);
    } else if (this.type === tt.braceL || this.atKeyword(tt._if)) {
      elseHead.value = { type: 'boolean', value: true, loc: this.loc(start) };
    } else {
      this.unexpected('expected else value term or rule body');
    }
    elseHead.loc = this.loc(start);
    let body: Body = [];
    let hasBody = true;
    if (this.atKeyword(tt._if)) {
      this.next();
      if (this.type === tt.braceL) body = this.parseBraceBody();
      else if (this.type === tt.eof) this.unexpected('rule body expected');
      else body = [this.parseLiteral()];
    } else if (this.type === tt.braceL) {
      body = this.parseBraceBody();
      this.v1Violations.push({ offset: start, message: `\`if\` keyword is required before ${kind} body` });
    } else {
      hasBody = false;
    }
    const rule: Rule = { head: elseHead, body, default: false, loc: this.loc(start) };
    if (hasBody && this.atKeyword(tt._else)) rule.else = this.parseElse(head, kind);
    rule.loc = this.loc(start);
    return rule;
  }

  /** The same head for another body; wildcard arguments get fresh names, as OPA gives them. */
  private copyHead(head: RuleHead, at: number): RuleHead {
    const args = head.args?.map((a) => (a.type === 'var' && a.name.startsWith('$') ? { ...a, name: this.freshVarName() } : a));
    return { ...head, ref: [...head.ref], args, loc: this.loc(at) };
  }

  /** Default values are constants (comprehensions aside); default function arguments are distinct variables. */
  private checkDefault(head: RuleHead, start: number): void {
    const bad = (t: Term): string | undefined => {
      switch (t.type) {
        case 'var':
        case 'ref':
        case 'call':
          return t.type;
        case 'array':
        case 'set':
          return t.items.map(bad).find(Boolean);
        case 'object':
          return t.entries.map(([k, v]) => bad(k) ?? bad(v)).find(Boolean);
        case 'templateString':
          return t.parts.map((p) => (typeof p === 'string' ? undefined : bad(p))).find(Boolean);
        default:
          return undefined;
      }
    };
    const found = bad(head.value!);
    if (found) this.softErrors.push({ offset: start, message: `illegal default rule (value cannot contain ${found})` });
    const seen = new Set<string>();
    for (const a of head.args ?? []) {
      if (a.type !== 'var') {
        this.softErrors.push({ offset: start, message: `illegal default rule (arguments cannot contain ${termKindName(a)})` });
      } else if (seen.has(a.name)) {
        this.softErrors.push({ offset: start, message: `illegal default rule (arguments cannot be repeated ${a.name})` });
      } else {
        seen.add(a.name);
      }
    }
  }
}
