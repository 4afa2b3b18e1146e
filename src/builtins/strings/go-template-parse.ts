// Provenance: follows Go's src/text/template/parse/lex.go and parse.go; Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
// A parser for the part of Go's text/template that policies use: text, {{- -}} trimming,
// comments, pipelines with `|`, variables ($, $x := ..., $i, $v := range ...), field chains,
// literals, parenthesised pipelines, if/else if/else, range (with else, break, continue), with.

export class TemplateError extends Error {}

export type Operand =
  | { t: 'dot'; fields: string[] }
  | { t: 'field'; fields: string[] }
  | { t: 'var'; name: string; fields: string[] }
  | { t: 'func'; name: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number; int: boolean }
  | { t: 'bool'; v: boolean }
  | { t: 'nil' }
  | { t: 'pipe'; pipe: Pipeline; fields: string[] };

export interface Pipeline {
  decl: string[];
  assign: boolean;
  cmds: Operand[][];
}

export interface BlockNode {
  t: 'if' | 'with' | 'range';
  pipe: Pipeline;
  body: Node[];
  else: Node[];
}

export type Node = { t: 'text'; v: string } | { t: 'action'; pipe: Pipeline } | BlockNode | { t: 'break' | 'continue' };

type Token = { k: 'id' | 'field' | 'var' | 'str' | 'num' | 'char' | 'op'; v: string };

const GO_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

function unquote(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, e: string) => {
    if (GO_ESCAPES[e] !== undefined) return GO_ESCAPES[e]!;
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    throw new TemplateError(`invalid syntax: unknown escape sequence \\${e}`);
  });
}

/** Tokens of one action's body. */
function lexAction(src: string): Token[] {
  const out: Token[] = [];
  const re =
    /\s+|(:=|[=|(),])|("(?:[^"\\\n]|\\.)*")|(`[^`]*`)|('(?:[^'\\]|\\.)+')|([+-]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d+(?:[eE][+-]?\d+)?))|(\$[\p{L}\d_]*)|((?:\.[\p{L}_][\p{L}\d_]*)+|\.)|([\p{L}_][\p{L}\d_]*)/uy;
  let i = 0;
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (m === null) throw new TemplateError(`unexpected ${JSON.stringify(src[i])} in command`);
    i = re.lastIndex;
    if (m[1] !== undefined) out.push({ k: 'op', v: m[1] });
    else if (m[2] !== undefined) out.push({ k: 'str', v: unquote(m[2].slice(1, -1)) });
    else if (m[3] !== undefined) out.push({ k: 'str', v: m[3].slice(1, -1) });
    else if (m[4] !== undefined) out.push({ k: 'char', v: unquote(m[4].slice(1, -1)) });
    else if (m[5] !== undefined) out.push({ k: 'num', v: m[5] });
    else if (m[6] !== undefined) out.push({ k: 'var', v: m[6] });
    else if (m[7] !== undefined) out.push({ k: 'field', v: m[7] });
    else if (m[8] !== undefined) out.push({ k: 'id', v: m[8] });
  }
  return out;
}

/** Splits template text into literal text and action bodies, applying trim markers. */
function split(src: string): Array<{ text: string } | { action: string }> {
  const parts: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      parts.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (/^-[ \t\r\n]/.test(src.slice(start, start + 2))) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    parts.push({ text });
    let close: number;
    const commentStart = src.slice(start).match(/^[ \t\r\n]*\/\*/);
    if (commentStart !== null) {
      const endComment = src.indexOf('*/', start + commentStart[0].length);
      if (endComment < 0) throw new TemplateError('unclosed comment');
      close = src.indexOf('}}', endComment + 2);
    } else close = findClose(src, start);
    if (close < 0) throw new TemplateError('unclosed action');
    let body = src.slice(start, close);
    i = close + 2;
    if (/[ \t\r\n]-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^[ \t\r\n]*/.exec(src.slice(i))!;
      i += m[0].length;
    }
    if (commentStart === null) parts.push({ action: body });
  }
  return parts;
}

/** The `}}` closing an action, skipping over quoted strings. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = c === '`' ? src.indexOf('`', i + 1) : findQuoteEnd(src, i + 1, c);
      if (end < 0) return -1;
      i = end;
    } else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

function findQuoteEnd(src: string, from: number, q: string): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === q) return i;
  }
  return -1;
}

class Parser {
  pos = 0;
  constructor(readonly toks: Token[]) {}

  peek(): Token | undefined {
    return this.toks[this.pos];
  }

  pipeline(allowDecl: boolean): Pipeline {
    const pipe: Pipeline = { decl: [], assign: false, cmds: [] };
    const save = this.pos;
    const decl: string[] = [];
    while (allowDecl && this.peek()?.k === 'var') {
      decl.push(this.toks[this.pos++]!.v);
      const t = this.peek();
      if (t?.k === 'op' && (t.v === ':=' || t.v === '=')) {
        this.pos++;
        pipe.decl = decl;
        pipe.assign = t.v === '=';
        break;
      }
      if (t?.k === 'op' && t.v === ',' && decl.length < 2) {
        this.pos++;
        continue;
      }
      this.pos = save;
      break;
    }
    for (;;) {
      const cmd: Operand[] = [];
      for (;;) {
        const t = this.peek();
        if (t === undefined || (t.k === 'op' && (t.v === '|' || t.v === ')'))) break;
        cmd.push(this.operand());
      }
      if (cmd.length === 0) throw new TemplateError('missing value for command');
      pipe.cmds.push(cmd);
      const t = this.peek();
      if (t?.k === 'op' && t.v === '|') {
        this.pos++;
        continue;
      }
      break;
    }
    return pipe;
  }

  operand(): Operand {
    const t = this.toks[this.pos++]!;
    const fields = (v: string): string[] => v.split('.').slice(1).filter((f) => f !== '');
    switch (t.k) {
      case 'field':
        return t.v === '.' ? { t: 'dot', fields: [] } : { t: 'field', fields: fields(t.v) };
      case 'var': {
        const next = this.peek();
        const more = next?.k === 'field' && next.v !== '.' ? fields(this.toks[this.pos++]!.v) : [];
        return { t: 'var', name: t.v, fields: more };
      }
      case 'str':
        return { t: 'string', v: t.v };
      case 'char':
        return { t: 'number', v: t.v.codePointAt(0)!, int: true };
      case 'num': {
        const text = t.v.replaceAll('_', '');
        const v = Number(text);
        if (Number.isNaN(v)) throw new TemplateError(`illegal number syntax: ${JSON.stringify(t.v)}`);
        return { t: 'number', v, int: /^[+-]?(0[xX][0-9a-fA-F]+|\d+)$/.test(text) };
      }
      case 'id':
        if (t.v === 'true' || t.v === 'false') return { t: 'bool', v: t.v === 'true' };
        if (t.v === 'nil') return { t: 'nil' };
        return { t: 'func', name: t.v };
      case 'op':
        if (t.v === '(') {
          const pipe = this.pipeline(true);
          const close = this.toks[this.pos++];
          if (close?.k !== 'op' || close.v !== ')') throw new TemplateError('unclosed left paren');
          const next = this.peek();
          const more = next?.k === 'field' && next.v !== '.' ? fields(this.toks[this.pos++]!.v) : [];
          return { t: 'pipe', pipe, fields: more };
        }
        throw new TemplateError(`unexpected ${JSON.stringify(t.v)} in operand`);
    }
  }
}

function parsePipeline(toks: Token[], allowDecl: boolean): Pipeline {
  const p = new Parser(toks);
  const pipe = p.pipeline(allowDecl);
  if (p.pos < toks.length) throw new TemplateError(`unexpected ${JSON.stringify(toks[p.pos]!.v)} in operand`);
  return pipe;
}

/** Parses a template into its node list. */
export function parseTemplate(src: string): Node[] {
  const parts = split(src);
  let i = 0;
  const list = (inRange: boolean): { nodes: Node[]; end: string; rest: Token[] } => {
    const nodes: Node[] = [];
    while (i < parts.length) {
      const part = parts[i++]!;
      if ('text' in part) {
        if (part.text !== '') nodes.push({ t: 'text', v: part.text });
        continue;
      }
      const toks = lexAction(part.action);
      const head = toks[0];
      const keyword = head?.k === 'id' ? head.v : '';
      if (keyword === 'end' || keyword === 'else') return { nodes, end: keyword, rest: toks.slice(1) };
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        nodes.push(block(keyword, toks.slice(1), inRange || keyword === 'range'));
      } else if (keyword === 'break' || keyword === 'continue') {
        if (!inRange) throw new TemplateError(`{{${keyword}}} outside {{range}}`);
        nodes.push({ t: keyword });
      } else if (keyword === 'define' || keyword === 'template' || keyword === 'block') {
        throw new TemplateError(`{{${keyword}}} is not supported`);
      } else if (toks.length === 0) throw new TemplateError('missing value for command');
      else nodes.push({ t: 'action', pipe: parsePipeline(toks, true) });
    }
    return { nodes, end: '', rest: [] };
  };
  const block = (kind: 'if' | 'with' | 'range', toks: Token[], inRange: boolean): Node => {
    const pipe = parsePipeline(toks, true);
    const body = list(inRange);
    let elseNodes: Node[] = [];
    if (body.end === 'else') {
      if (body.rest.length > 0 && body.rest[0]!.k === 'id' && (body.rest[0]!.v === 'if' || body.rest[0]!.v === 'with')) {
        // `else if` / `else with` nest a block that shares this one's {{end}}.
        elseNodes = [block(body.rest[0]!.v as 'if' | 'with', body.rest.slice(1), inRange)];
        return { t: kind, pipe, body: body.nodes, else: elseNodes };
      }
      const tail = list(inRange);
      if (tail.end !== 'end') throw new TemplateError(`expected end; found ${tail.end || 'EOF'}`);
      elseNodes = tail.nodes;
    } else if (body.end !== 'end') throw new TemplateError(`unexpected EOF`);
    return { t: kind, pipe, body: body.nodes, else: elseNodes };
  };
  const top = list(false);
  if (top.end !== '') throw new TemplateError(`unexpected {{${top.end}}}`);
  return top.nodes;
}
