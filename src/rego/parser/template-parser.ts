import type { Expr, RefTerm, SetComprehension, Term, VarTerm, WithModifier } from '../ast.js';
import { CollectionParser } from './collection-parser.js';
import { tt } from './token-types.js';

/**
 * Template strings, `$"Hello {name}!"` and `` $`…{expr}…` ``. Each `{…}` holds an expression, read
 * with the ordinary tokenizer; at its closing `}` the tokenizer resumes the template's literal text.
 * As in OPA the expression may not be negated, a unification or assignment, `some` or `every`; it may
 * carry `with` modifiers.
 */
export abstract class TemplateParser extends CollectionParser {
  abstract parseWiths(): WithModifier[];

  protected parseTemplate(): Term {
    const start = this.start;
    const parts: Array<string | Term> = [];
    for (;;) {
      const part = this.templateValue;
      if (part.text !== '') parts.push(part.text);
      if (part.closed) break;
      this.next();
      parts.push(this.parseTemplateExpression());
      if (this.type !== tt.braceR) this.unexpected('expected `}` to end the template string expression');
      this.readTemplateContinuation(part.raw, start);
    }
    this.next();
    return { type: 'templateString', parts, loc: this.loc(start) };
  }

  private parseTemplateExpression(): Term {
    const start = this.start;
    if (this.type === tt.braceR) this.unexpected('expected an expression in the template string');
    if (this.type === tt._not && !this.keywordAsName()) this.raise(start, "unexpected negation ('not') in template-string expression");
    if ((this.type === tt._some || this.type === tt._every) && !this.keywordAsName()) {
      this.raise(start, `unexpected '${this.type.label}' in template-string expression`);
    }
    const term = this.parseInfix(true);
    if (this.type === tt.unify) this.raise(start, "unexpected unification ('=') in template-string expression");
    if (this.type === tt.assign) this.raise(start, "unexpected assignment (':=') in template-string expression");
    if (this.type !== tt._with) return term;
    return this.withAsTerm(term, this.parseWiths(), start);
  }

  /**
   * A term cannot carry `with`, so `{x with input as v}` becomes the equivalent Rego term
   * `{$a | $a = x with input as v}[$b]`: the values of `x` under the modifiers, iterated. The
   * template then sees the same values (none when `x` is undefined) as the expression would give.
   */
  private withAsTerm(term: Term, withs: WithModifier[], start: number): Term {
    const loc = this.loc(start);
    const elem: VarTerm = { type: 'var', name: this.freshVarName(), loc: term.loc };
    const key: VarTerm = { type: 'var', name: this.freshVarName(), loc: term.loc };
    const bind: Expr = { type: 'call', operator: this.opRef('eq', term.loc), args: [elem, term], negated: false, with: withs, loc };
    const values: SetComprehension = { type: 'setComprehension', head: elem, body: [bind], loc };
    const ref: RefTerm = { type: 'ref', head: values, path: [key], loc };
    return ref;
  }
}
