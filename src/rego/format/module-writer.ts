import type { Body, Module, Package, RefTerm, Rule, Term } from '../ast.js';
import { BodyWriter } from './body-writer.js';
import { compareImports, futureKeyword, type ImportView } from './imports.js';
import { UnexpectedComment } from './line-writer.js';
import { groundPrefix, viewElseHead, viewHead, type HeadView } from './rule-heads.js';
import { closingRow, newlines, type Place } from './source-rows.js';
import { quoteString } from './term-writer.js';

type Item = { kind: 'import'; imp: ImportView } | { kind: 'rule'; rule: Rule };

/** Package, imports, rules with heads, bodies and else chains (OPA's writeModule and writeRule). */
export class ModuleWriter extends BodyWriter {
  /** Set by the caller: read `p["x"]` / `p.x` without a value as partial sets (v0 without `contains`). */
  v0SetKeys = false;

  writeModule(module: Module, imports: ImportView[]): void {
    const items: Item[] = [...imports.map((imp): Item => ({ kind: 'import', imp })), ...module.rules.map((rule): Item => ({ kind: 'rule', rule }))];
    const pos = (i: Item) => (i.kind === 'import' ? [i.imp.row, i.imp.col] : [i.rule.loc.line, i.rule.loc.col]) as [number, number];
    items.sort((a, b) => pos(a)[0] - pos(b)[0] || pos(a)[1] - pos(b)[1]);
    this.writePackage(module.package);
    let i = 0;
    while (i < items.length) {
      const group: ImportView[] = [];
      while (i < items.length && items[i]!.kind === 'import') group.push((items[i++] as { imp: ImportView }).imp);
      this.writeImports(group);
      const rules: Rule[] = [];
      while (i < items.length && items[i]!.kind === 'rule') rules.push((items[i++] as { rule: Rule }).rule);
      this.writeRules(rules);
    }
    const rest = this.comments;
    rest.forEach((c, n) => {
      this.writeLine(c.text);
      if (n === rest.length - 1) this.write('\n');
    });
  }

  private writePackage(pkg: Package): void {
    this.insertComments(this.place(pkg.loc));
    this.startLine();
    const [first, ...rest] = pkg.path;
    this.write('package ');
    if (first) {
      this.write(first.value);
      for (const seg of rest) this.writeRefString(seg.value, this.termPlace(seg).text);
    }
    this.blankLine();
  }

  private writeImports(imports: ImportView[]): void {
    if (imports.length === 0) return;
    const trailing = new Map<ImportView, string>();
    this.comments = this.comments.filter((c) => {
      const imp = imports.find((i) => i.row === c.row);
      if (imp) trailing.set(imp, c.text);
      return !imp;
    });
    const groups: ImportView[][] = [[imports[0]!]];
    for (const imp of imports.slice(1)) {
      const group = groups[groups.length - 1]!;
      if (imp.row - group[group.length - 1]!.row > 1) groups.push([imp]);
      else group.push(imp);
    }
    for (const group of groups) {
      this.insertComments({ row: group[0]!.row, col: group[0]!.col, text: '' });
      for (const imp of [...group].sort(compareImports)) {
        this.startLine();
        this.write('import ');
        if (futureKeyword(imp.path)) this.write(imp.path.path.reduce((s, p) => `${s}.${p.type === 'string' ? p.value : ''}`, 'future'));
        else this.writeRef(imp.path);
        if (imp.alias) this.write(` as ${imp.alias}`);
        const comment = trailing.get(imp);
        if (comment) this.write(` ${comment}`);
        this.endLine();
      }
      this.blankLine();
    }
  }

  private writeRules(rules: Rule[]): void {
    rules.forEach((rule, i) => {
      try {
        this.insertComments(this.place(rule.loc));
      } catch (e) {
        if (!(e instanceof UnexpectedComment)) throw e;
      }
      try {
        this.writeRule(rule, viewHead(rule, this.rows, this.v0SetKeys));
      } catch (e) {
        if (!(e instanceof UnexpectedComment)) throw e;
      }
      const next = rules[i + 1];
      if (next && this.groupable(rule) && this.groupable(next) && next.loc.line === rule.loc.line + 1) return;
      this.blankLine();
    });
  }

  /** A one-line rule that may stay next to an adjacent one (no blank line between them). */
  private groupable(rule: Rule): boolean {
    if (rule.body.length > 1 || rule.default || rule.else) return false;
    // A lone set term keeps its braces, so the rule is written on several lines.
    const only = rule.body[0];
    if (only && !only.negated && only.type === 'term' && only.term.type === 'set') return false;
    const head = viewHead(rule, this.rows, this.v0SetKeys);
    return (this.opts.regoV1 || this.opts.ifs) && (this.opts.contains || head.value !== undefined);
  }

  private writeRule(rule: Rule, head: HeadView): void {
    if (!head.isElse) this.startLine();
    if (rule.default) this.write('default ');
    const expandedConst = isTrueBody(rule.body) && rule.else === undefined;
    this.commentOnFinalLine = expandedConst;
    let unexpected = false;
    this.inRuleHead = true;
    try {
      this.writeHead(head, rule.default, expandedConst);
    } catch (e) {
      if (!(e instanceof UnexpectedComment)) throw e;
      unexpected = true;
    } finally {
      this.inRuleHead = false;
    }
    if (expandedConst) {
      this.endLine();
      return;
    }
    this.commentOnFinalLine = true;
    const body: Body = rule.body.length > 0 ? rule.body : [{ type: 'term', term: { type: 'boolean', value: true, loc: rule.head.loc }, negated: false, with: [], loc: rule.head.loc }];
    if ((this.opts.regoV1 || this.opts.ifs) && (this.opts.contains || head.value !== undefined)) {
      const headEndRow = head.place.row + newlines(head.place.text);
      const only = body[0]!;
      const inline = body.length === 1 && only.loc.line === headEndRow && !(only.type === 'term' && only.term.type === 'set' && !only.negated);
      if (unexpected && !inline && this.endCopiedHeadLine(head)) unexpected = false;
      this.write(' if');
      if (inline) {
        this.write(' ');
        this.writeExpr(only);
        this.endLine();
        if (rule.else) this.writeElse(rule);
        return;
      }
    }
    if (unexpected && this.comments.length > 0) this.write(' { ');
    else {
      this.write(' {');
      this.endLine();
    }
    this.up();
    try {
      this.writeBody(body);
    } catch (e) {
      if (!(e instanceof UnexpectedComment)) throw e;
    }
    const rulePlace = this.place(rule.loc);
    const skip: [string, string] | undefined = head.args && head.args.length > 0 ? ['(', ')'] : head.key ? ['[', ']'] : undefined;
    this.insertComments(closingRow(rulePlace, '{', '}', skip));
    this.down();
    this.startLine();
    this.write('}');
    if (rule.else) this.writeElse(rule);
  }

  /**
   * A head value copied as written keeps the comment on its last line before a block body: that
   * comment goes after the copy and the line ends there, so ` if {` starts the next line, as
   * `opa fmt` writes it (OPA's test_issue_6330), rather than the comment moving after the brace.
   */
  private endCopiedHeadLine(head: HeadView): boolean {
    const copiedTerm = head.value ?? head.key;
    const next = this.comments[0];
    if (!copiedTerm || !next) return false;
    const copied = this.termPlace(copiedTerm);
    if (next.row !== copied.row + newlines(copied.text)) return false;
    this.comments = this.comments.slice(1);
    this.write(` ${next.raw}\n`);
    return true;
  }

  private writeElse(rule: Rule): void {
    const elseRule = rule.else!;
    const head = viewElseHead(elseRule, this.rows);
    const lines = this.place(rule.loc).text.split('\n');
    const relative = elseRule.loc.line - rule.loc.line;
    const wasInline = relative > 0 && relative < lines.length && !lines[relative]!.trim().startsWith('else');
    const commentAbove = (this.comments.length > 0 && this.comments[0]!.row < head.place.row) || this.lineEnd !== undefined;
    if (!commentAbove && wasInline) this.write(' ');
    else {
      this.blankLine();
      this.startLine();
    }
    this.insertComments(head.place);
    if (commentAbove && !wasInline) this.startLine();
    if (head.value) this.placeOverrides.set(head.value, head.place);
    this.writeRule(elseRule, head);
  }

  private writeHead(head: HeadView, isDefault: boolean, expandedConst: boolean): void {
    let ref = head.ref;
    if (head.key !== undefined && head.value === undefined) {
      const g = groundPrefix(ref);
      if (!g.dynamic) ref = g.prefix;
    }
    if (this.opts.refHeads || ref.length === 1) this.writeRef(asRef(ref));
    else if (this.comments.length > 0 && ref[1]!.loc.line === this.comments[0]!.row) {
      // A comment inside the one bracket of `p[…]`: the whole head is copied as written.
      return this.writeUnformatted(head.place, this.comments);
    } else this.write(`${termString(ref[0]!)}[${termString(ref[1]!)}]`);
    if (head.args && head.args.length > 0) {
      this.write('(');
      try {
        this.writeIterable(head.args, head.place, closingRow(head.place, '(', ')'), this.listWriter(false), true);
      } finally {
        this.write(')');
      }
    }
    if (head.key !== undefined && head.value === undefined) {
      if (this.opts.contains) {
        this.write(' contains ');
        this.writeTerm(head.key);
      } else {
        this.write('[');
        this.writeTerm(head.key);
        this.write(']');
      }
    }
    const value = head.value;
    if (value === undefined) return;
    const isTrue = value.type === 'boolean' && value.value;
    if (!(head.key !== undefined || !isTrue || expandedConst || isDefault)) return;
    const regoV1RefConst = this.opts.regoV1 && expandedConst && head.key === undefined && !(head.args && head.args.length > 0);
    if (head.impliedValue && !head.isElse && !regoV1RefConst) return;
    this.write(head.assign || this.opts.regoV1 ? ' := ' : ' = ');
    this.writeTerm(value);
  }
}

function asRef(ref: Term[]): RefTerm {
  return { type: 'ref', head: ref[0]!, path: ref.slice(1), loc: ref[0]!.loc };
}

/** A scalar term as OPA's Term.String() writes it (head refs written `p["x"]`). */
function termString(t: Term): string {
  switch (t.type) {
    case 'var':
      return t.name.startsWith('$_') ? '_' : t.name;
    case 'string':
      return quoteString(t.value);
    case 'number':
      return t.text;
    case 'boolean':
      return String(t.value);
    case 'null':
      return 'null';
    default:
      return '';
  }
}

function isTrueBody(body: Body): boolean {
  if (body.length === 0) return true;
  const only = body[0]!;
  return body.length === 1 && only.type === 'term' && only.term.type === 'boolean' && only.term.value && !only.negated && only.with.length === 0;
}

export type { Place };
