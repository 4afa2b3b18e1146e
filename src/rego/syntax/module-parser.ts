import { parse as parseYaml } from 'yaml';
import type { Annotations, Body, Import, Module, Package, RefTerm, Rule, RuleHead, StringTerm, Term } from '../ast.js';
import { BodyParser } from './body-parser.js';
import type { Comment, Token } from './tokens.js';
import { SourceText, SyntaxFailure } from './source-text.js';

const V1_KEYWORDS = ['in', 'every', 'contains', 'if'];
/** Keywords of both versions (OPA's KeywordsV0): an import may not bind one of them as its name. */
const KEYWORDS_V0 = ['not', 'package', 'import', 'as', 'default', 'else', 'with', 'null', 'true', 'false', 'some'];
const FUTURE_ONLY_KEYWORDS = ['and', 'or', 'not'];

/** Modules: package, imports, rules with heads, bodies and else chains; METADATA annotations. */
export class ModuleParser extends BodyParser {
  constructor(
    source: SourceText,
    tokens: Token[],
    regoVersion: 0 | 1,
    private readonly comments: Comment[] = [],
  ) {
    super(source, tokens, regoVersion);
  }

  protected subParser(tokens: Token[]): ModuleParser {
    const p = new ModuleParser(this.source, tokens, this.regoVersion);
    p.keywords = this.keywords;
    return p;
  }

  parseModule(): Module {
    const pkg = this.parsePackage();
    const imports: Import[] = [];
    const rules: Rule[] = [];
    while (this.tok.type !== 'eof') {
      // As OPA: an import may come anywhere after the package, and holds for the whole module.
      if (this.isWord('import') && !this.leadsRef()) {
        imports.push(this.parseImport());
        continue;
      }
      if (this.isWord('package') && !this.leadsRef()) this.raise(this.tok.start, 'unexpected package: a file holds one package');
      const rule = this.parseRule();
      rules.push(rule);
      // v0: `p { a } { b }` is two definitions of p, one per body.
      while (this.regoVersion === 0 && !this.keywords.has('if') && this.isPunct('{') && !this.tok.newlineBefore && !rule.default) {
        const start = this.tok.start;
        const body = this.parseBraceBody();
        rules.push({ head: rule.head, body, default: false, loc: this.loc(start) });
      }
    }
    const annotations = this.annotations();
    for (const a of annotations) {
      if (a.scope === 'package' || a.scope === 'subpackages') continue;
      const rule = rules.find((r) => r.loc.offset > a.loc.end);
      if (rule) rule.annotations = a;
    }
    return { file: this.source.file, regoVersion: this.regoVersion, package: pkg, imports, rules, annotations, comments: this.comments.map((c) => ({ text: c.text, loc: this.source.loc(c.start, c.start + c.text.length + 1) })) };
  }

  private parsePackage(): Package {
    const start = this.tok.start;
    if (!this.isWord('package')) this.unexpected('expected package');
    this.next();
    this.allowKeywordRefHead();
    const ref = this.parsePostfix(this.parsePrimary());
    const path: StringTerm[] = [];
    const add = (t: Term) => {
      if (t.type === 'var') path.push({ type: 'string', value: t.name, loc: t.loc });
      else if (t.type === 'string') path.push(t);
      else this.raise(t.loc.offset, 'package path must be names or strings');
    };
    if (ref.type === 'ref') {
      add(ref.head);
      ref.path.forEach(add);
    } else add(ref);
    if (path[0]?.value === 'data') path.shift();
    return { path, loc: this.loc(start) };
  }

  private parseImport(): Import {
    const start = this.next().start;
    this.allowKeywordRefHead();
    const t = this.parsePostfix(this.parsePrimary());
    const path: RefTerm = t.type === 'ref' ? t : t.type === 'var' ? { type: 'ref', head: t, path: [], loc: t.loc } : this.raise(t.loc.offset, 'import path must be a reference');
    const head = path.head.type === 'var' ? path.head.name : '';
    if (!['data', 'input', 'future', 'rego'].includes(head)) this.raise(path.loc.offset, `invalid import path: must begin with input, data, future or rego`);
    let alias: string | undefined;
    if (this.eat('as')) {
      const a = this.next();
      if (a.type !== 'ident') this.unexpected('expected a name after as', a);
      alias = a.value;
    }
    const names = path.path.map((p) => (p.type === 'string' ? p.value : ''));
    const last = path.path.at(-1) ?? path.head;
    const lastName = last.type === 'var' ? last.name : last.type === 'string' ? last.value : '';
    if (alias === undefined && head !== 'future' && (KEYWORDS_V0.includes(lastName) || (this.regoVersion === 1 && V1_KEYWORDS.includes(lastName)))) {
      this.raise(last.loc.offset, `unexpected import path, must not end with a keyword, got: ${lastName} (hint: import a different path or use an alias)`);
    }
    if (head === 'future' && names[0] === 'keywords') {
      // `and`, `or` and `not { … }` blocks are future keywords only (rego.v1 does not bring them).
      for (const k of names.length > 1 ? [names[1]!] : [...V1_KEYWORDS, ...FUTURE_ONLY_KEYWORDS]) this.keywords.add(k === 'not' ? 'not-block' : k);
      // As OPA: `every x in xs` needs `in`, so importing `every` brings `in` too.
      if (names[1] === 'every') this.keywords.add('in');
    } else if (head === 'rego' && names[0] === 'v1') {
      for (const k of V1_KEYWORDS) this.keywords.add(k);
    } else if (head === 'rego' && names[0] === 'v2') {
      // As OPA: rego.v2 is rego.v1 plus `and`, `or` and `not { … }` blocks.
      for (const k of [...V1_KEYWORDS, ...FUTURE_ONLY_KEYWORDS]) this.keywords.add(k === 'not' ? 'not-block' : k);
    }
    return { path, alias, loc: this.loc(start) };
  }

  private parseRuleBody(): Body | undefined {
    if (this.isKeyword('if') && !this.keywordAsName()) {
      this.next();
      if (!this.isPunct('{')) return [this.parseExpr()];
      // As OPA: `if {x: 1 | …}` is one expression (an object comprehension); `if { x }` parses
      // as a set literal, which a body never is, so braces then hold a body.
      const saved = { pos: this.pos, depth: this.depth, bar: this.barStopsAt };
      try {
        const expr = this.parseExpr();
        if (!(expr.type === 'term' && expr.term.type === 'set')) return [expr];
      } catch (e) {
        if (!(e instanceof SyntaxFailure)) throw e;
      }
      this.pos = saved.pos;
      this.depth = saved.depth;
      this.barStopsAt = saved.bar;
      return this.parseBraceBody();
    }
    if (this.isPunct('{') && !this.tok.newlineBefore) {
      if (this.keywords.has('if') && this.regoVersion === 1) this.raise(this.tok.start, '`if` keyword is required before rule body');
      return this.parseBraceBody();
    }
    return undefined;
  }

  parseRule(): Rule {
    const start = this.tok.start;
    const isDefault = this.isWord('default') && !this.keywordAsName() ? (this.next(), true) : false;
    this.allowKeywordRefHead();
    const nameTok = this.tok;
    if (nameTok.type !== 'ident' || ((this.keywords.has(nameTok.value) || ['not', 'some', 'with', 'else', 'default'].includes(nameTok.value)) && !this.keywordAsName())) this.unexpected('expected rule name');
    const headTerm = this.parsePostfix(this.parsePrimary());
    let ref: Term[];
    let args: Term[] | undefined;
    if (headTerm.type === 'call') {
      ref = [headTerm.operator.head, ...headTerm.operator.path];
      args = headTerm.args;
    } else if (headTerm.type === 'ref') ref = [headTerm.head, ...headTerm.path];
    else ref = [headTerm];
    if (ref[0]?.type !== 'var') this.raise(start, 'rule name must be a variable');
    const head: RuleHead = { ref, args, assign: false, contains: false, loc: this.loc(start) };
    if (this.isKeyword('contains') && !this.keywordAsName()) {
      this.next();
      head.contains = true;
      head.key = this.parseTermExpr();
    }
    if (this.isPunct(':=') || this.isPunct('=')) {
      head.assign = this.next().value === ':=';
      head.value = this.parseTermExpr();
    }
    head.loc = this.loc(start);
    if (isDefault) {
      // As OPA's parseHead: a head with no value is `true` unless it is a two-part ref (`a.b`,
      // `a[0]`), which could be a set element or an object key, or a `contains` head.
      if (head.value === undefined && !head.contains && (ref.length !== 2 || args !== undefined)) head.value = { type: 'boolean', value: true, loc: head.loc };
      if (head.value === undefined) this.raise(start, 'illegal default rule (must have a value)');
      return { head, body: [], default: true, loc: this.loc(start) };
    }
    let body = this.parseRuleBody();
    const v0SetHead = !head.contains && head.value === undefined && args === undefined && ref.length === 2 && ref[1]!.type !== 'string' && !this.keywords.has('contains');
    if (v0SetHead) {
      head.contains = true;
      head.key = ref[1];
      head.ref = [ref[0]!];
    } else if (this.regoVersion === 1 && !head.contains && head.value === undefined && args === undefined && body === undefined && ref.length > 1 && ref[ref.length - 1]!.type !== 'string') {
      this.raise(start, '`contains` keyword is required for partial set rules');
    }
    if (body === undefined) {
      if (head.value === undefined && !head.contains && this.regoVersion === 1 && !this.keywords.has('if')) this.unexpected('expected rule body');
      body = [];
    }
    const rule: Rule = { head, body, default: false, loc: this.loc(start) };
    let tail = rule;
    while (this.isWord('else') && !this.keywordAsName()) {
      const elseStart = this.next().start;
      const elseHead: RuleHead = { ...head, value: undefined, loc: this.loc(elseStart) };
      if (this.isPunct(':=') || this.isPunct('=')) {
        this.next();
        elseHead.value = this.parseTermExpr();
      }
      // As OPA: an else body may open on the line after the else value.
      const elseBody = this.parseRuleBody() ?? (this.isPunct('{') && this.regoVersion === 0 && !this.keywords.has('if') ? this.parseBraceBody() : []);
      const e: Rule = { head: elseHead, body: elseBody, default: false, loc: this.loc(elseStart) };
      tail.else = e;
      tail = e;
    }
    rule.loc = this.loc(start);
    return rule;
  }

  private annotations(): Annotations[] {
    const out: Annotations[] = [];
    const lines = this.comments.map((c) => ({ ...c, pos: this.source.position(c.start) }));
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.text.trim() !== 'METADATA') continue;
      const block: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j]!.pos.line === lines[j - 1]!.pos.line + 1 && lines[j]!.pos.col === lines[i]!.pos.col && lines[j]!.text.trim() !== 'METADATA') {
        block.push(lines[j]!.text.replace(/^ /, ''));
        j++;
      }
      const startOffset = lines[i]!.start;
      const endOffset = j - 1 > i ? lines[j - 1]!.start + lines[j - 1]!.text.length : startOffset;
      let fields: Record<string, unknown>;
      try {
        fields = (parseYaml(block.join('\n')) as Record<string, unknown> | null) ?? {};
      } catch (e) {
        this.raise(startOffset, `invalid METADATA block: ${(e as Error).message.split('\n')[0]}`);
      }
      if (typeof fields !== 'object' || Array.isArray(fields)) this.raise(startOffset, 'invalid METADATA block: expected a YAML mapping');
      const beforePackage = startOffset < (this.tokens[0]?.start ?? 0);
      const scope = (fields.scope as Annotations['scope']) ?? (beforePackage ? 'package' : 'rule');
      out.push({ scope, fields, loc: this.source.loc(startOffset, endOffset) });
      i = j - 1;
    }
    return out;
  }
}
