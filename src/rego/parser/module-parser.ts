import type { Body, Import, Module, Package, Rule, StringTerm, Term } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { collectAnnotations, type Statement } from './annotations.js';
import { ParseError } from './parser-state.js';
import { RuleParser, type Issue } from './rule-parser.js';
import { termKindName } from './term-parser.js';
import { FUTURE_KEYWORDS, tt } from './token-types.js';

const IMPORT_ROOTS = new Set(['data', 'input', 'future', 'rego']);
/** How many syntax errors one module reports before giving up. */
const MAX_ERRORS = 10;

/**
 * Modules (package, imports, rules, annotations) and the two other entry points, queries and terms.
 * Syntax errors are collected, not thrown: after one, parsing resumes at the next line that starts
 * with a name in column 1, where a top-level statement almost always begins.
 */
export class ModuleParser extends RuleParser {
  private errors: Issue[] = [];

  parseModule(): { module?: Module; diagnostics: Diagnostic[] } {
    let pkg: Package | undefined;
    const imports: Import[] = [];
    const rules: Rule[] = [];
    const statements: Statement[] = [];
    try {
      this.next();
      if (this.type === tt.eof) this.raise(this.start, 'empty module');
      if (this.type !== tt._package) this.raise(this.start, 'package expected');
      pkg = this.parsePackage();
      statements.push({ kind: 'package', line: pkg.loc.line });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.push(e);
    }
    while (pkg && this.type !== tt.eof) {
      try {
        if (this.type === tt._package && !this.keywordAsName()) this.raise(this.start, 'unexpected package: a module has a single package declaration');
        if (this.type === tt._import && !this.keywordAsName()) {
          const imp = this.parseImport();
          imports.push(imp);
          statements.push({ kind: 'import', line: imp.loc.line });
          continue;
        }
        const parsed = this.parseRuleStatement();
        rules.push(...parsed);
        statements.push({ kind: 'rule', line: parsed[0]!.loc.line, rule: parsed[0]! });
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.errors.push(e);
        if (this.errors.length >= MAX_ERRORS || !this.recover(e.offset)) break;
      }
    }
    const annotations = pkg ? collectAnnotations(this.comments, this.lines, this.file, statements, this.errors) : [];
    this.errors.push(...this.softErrors);
    if (this.v1Rules) this.errors.push(...this.v1Violations);
    if (this.errors.length > 0 || !pkg) return { diagnostics: this.diagnostics() };
    const comments = this.comments.map((c) => ({ text: c.text, loc: this.loc(c.start, c.end) }));
    const regoVersion = this.v1Rules ? 1 : 0;
    return { module: { file: this.file, regoVersion, package: pkg, imports, rules, annotations, comments }, diagnostics: [] };
  }

  /** Expressions separated by `;` or line breaks, up to the end of the input. */
  parseQuery(): { body?: Body; diagnostics: Diagnostic[] } {
    try {
      this.next();
      if (this.type === tt.eof) this.raise(this.start, 'empty query');
      const body = this.parseBody(tt.eof);
      this.errors.push(...this.softErrors);
      return this.errors.length > 0 ? { diagnostics: this.diagnostics() } : { body, diagnostics: [] };
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.push(e);
      return { diagnostics: this.diagnostics() };
    }
  }

  /** One term, operators allowed, and nothing after it. */
  parseSingleTerm(): { term?: Term; diagnostics: Diagnostic[] } {
    try {
      this.next();
      const term = this.parseInfix(false);
      if (this.type !== tt.eof) this.unexpected('expected the end of the term');
      return { term, diagnostics: [] };
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.push(e);
      return { diagnostics: this.diagnostics() };
    }
  }

  private diagnostics(): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const e of [...this.errors].sort((a, b) => a.offset - b.offset)) {
      const key = `${e.offset}:${e.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { line, col } = this.lines.position(e.offset);
      out.push({ code: 'rego_parse_error', message: e.message, file: this.file, line, col });
    }
    return out;
  }

  /** Moves to the next line after `offset` that begins with a letter or `_`; false at the end. */
  private recover(offset: number): boolean {
    const input = this.input;
    let i = Math.max(offset, this.start);
    for (;;) {
      const nl = input.indexOf('\n', i);
      if (nl < 0) return false;
      i = nl + 1;
      if (/[A-Za-z_]/.test(input[i] ?? '')) break;
    }
    this.depth = 0;
    this.pos = i;
    this.end = i;
    this.next();
    return true;
  }

  /** `package a.b["c"]`: a name, then strings (dotted or bracketed). */
  private parsePackage(): Package {
    const start = this.start;
    this.next();
    if (this.type !== tt.name && this.type.kind !== 'keyword') this.unexpected('expected package path');
    const ref = this.parsePostfix(this.parseVar());
    if (ref.type !== 'var' && ref.type !== 'ref') this.raise(ref.loc.offset, `unexpected ${termKindName(ref)}: expected package path`);
    const head = ref.type === 'ref' ? ref.head : ref;
    const path: StringTerm[] = [{ type: 'string', value: (head as { name: string }).name, loc: head.loc }];
    for (const seg of ref.type === 'ref' ? ref.path : []) {
      if (seg.type !== 'string') this.raise(seg.loc.offset, `unexpected ${termKindName(seg)} token: expecting string`);
      path.push(seg);
    }
    return { path, loc: this.loc(start) };
  }

  /**
   * `import data.x.y [as z]`, `import input.x`, `import future.keywords[.kw]`, `import rego.v1`. The
   * last two change which words are keywords from here on, so the token after the import is re-read.
   */
  private parseImport(): Import {
    const start = this.start;
    this.next();
    if (this.type !== tt.name && this.type.kind !== 'keyword') this.unexpected('expected import path');
    const term = this.parsePostfix(this.parseVar());
    if (term.type !== 'var' && term.type !== 'ref') this.raise(term.loc.offset, `unexpected ${termKindName(term)}: expected import path`);
    const path = this.asRef(term);
    const names: string[] = [];
    for (const seg of path.path) {
      if (seg.type !== 'string') this.raise(seg.loc.offset, `unexpected ${termKindName(seg)} token: expecting string`);
      names.push(seg.value);
    }
    const root = path.head.type === 'var' ? path.head.name : '';
    const pathText = [root, ...names].join('.');
    if (!IMPORT_ROOTS.has(root)) this.raise(path.loc.offset, `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${root}`);
    let alias: string | undefined;
    if (this.type === tt._as) {
      this.next();
      if (this.type !== tt.name) this.unexpected('expected a variable name after as');
      alias = String(this.value);
      this.next();
    }
    const at = path.loc.offset;
    if (root === 'future') {
      if (names[0] !== 'keywords') this.raise(at, 'invalid import, must be `future.keywords`');
      if (alias !== undefined) this.raise(at, '`future` imports cannot be aliased');
      if (names.length > 2) this.raise(at, 'invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`');
      const kw = names[1];
      if (kw !== undefined && !FUTURE_KEYWORDS.has(kw)) this.raise(at, 'unexpected keyword, must be one of [contains every if in]');
      for (const k of kw === undefined ? FUTURE_KEYWORDS.keys() : kw === 'every' ? ['every', 'in'] : [kw]) this.keywords.set(k, FUTURE_KEYWORDS.get(k)!);
    } else if (root === 'rego') {
      if (names.length !== 1 || names[0] !== 'v1') this.raise(at, `invalid import \`${pathText}\`, must be \`rego.v1\``);
      if (this.regoVersion === 0) {
        if (alias !== undefined) this.raise(at, '`rego` imports cannot be aliased');
        this.v1Rules = true;
        for (const [k, t] of FUTURE_KEYWORDS) this.keywords.set(k, t);
      }
    } else if (alias === undefined) {
      const last = names.length > 0 ? names[names.length - 1]! : root;
      if (this.keywords.has(last)) this.softErrors.push({ offset: at, message: `unexpected import path, must not end with a keyword, got: ${last}` });
    }
    this.rescan();
    return { path, alias, loc: this.loc(start) };
  }
}
