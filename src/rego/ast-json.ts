import type { Body, Expr, Module, Rule, Term } from './ast.js';

/** A node of OPA's JSON AST (`opa parse --format json`), without locations (OPA's default). */
export type AstJson = { [key: string]: unknown };

/** `internal.member_2` as OPA refers to it: `internal` then the string `member_2`. */
const builtinRef = (name: string): AstJson => ({ type: 'ref', value: name.split('.').map((n, i) => (i === 0 ? { type: 'var', value: n } : { type: 'string', value: n })) });

/** One term as OPA marshals `ast.Term`: `{type, value}`. */
export function termJson(t: Term): AstJson {
  switch (t.type) {
    case 'null':
      return { type: 'null' };
    case 'boolean':
    case 'string':
      return { type: t.type, value: t.value };
    case 'number':
      return { type: 'number', value: Number(t.text) };
    case 'var':
      return { type: 'var', value: t.name };
    case 'ref':
      return { type: 'ref', value: [termJson(t.head), ...t.path.map(termJson)] };
    case 'array':
    case 'set':
      return { type: t.type, value: t.items.map(termJson) };
    case 'object':
      return { type: 'object', value: t.entries.map(([k, v]) => [termJson(k), termJson(v)]) };
    case 'arrayComprehension':
      return { type: 'arraycomprehension', value: { body: bodyJson(t.body), term: termJson(t.head) } };
    case 'setComprehension':
      return { type: 'setcomprehension', value: { body: bodyJson(t.body), term: termJson(t.head) } };
    case 'objectComprehension':
      return { type: 'objectcomprehension', value: { body: bodyJson(t.body), key: termJson(t.key), value: termJson(t.value) } };
    case 'call':
      return { type: 'call', value: [operatorJson(t.operator), ...t.args.map(termJson)] };
    case 'templateString':
      return { type: 'templatestring', value: t.parts.map((p) => (typeof p === 'string' ? { type: 'string', value: p } : termJson(p))) };
  }
}

/** A call's operator: a dotted builtin name is a ref of its parts, as OPA's parser makes it. */
function operatorJson(op: Term): AstJson {
  return op.type === 'ref' && op.path.length === 0 && op.head.type === 'var' && op.head.name.includes('.') ? builtinRef(op.head.name) : termJson(op);
}

/** What an expression holds: a term, an operator and its operands, a `some` or an `every`. */
function exprTerms(e: Expr): unknown {
  switch (e.type) {
    case 'term':
      return termJson(e.term);
    case 'call':
      return [operatorJson(e.operator), ...e.args.map(termJson)];
    case 'some':
      return { symbols: e.vars.map(termJson) };
    case 'someIn': {
      const operands = [...(e.key ? [e.key] : []), e.value, e.collection].map(termJson);
      return { symbols: [{ type: 'call', value: [builtinRef(e.key ? 'internal.member_3' : 'internal.member_2'), ...operands] }] };
    }
    case 'every':
      return { body: bodyJson(e.body), domain: termJson(e.domain), ...(e.key ? { key: termJson(e.key) } : {}), value: termJson(e.value) };
  }
}

function bodyJson(body: Body): AstJson[] {
  return body.map((e, index) => ({
    index,
    ...(e.negated ? { negated: true } : {}),
    terms: exprTerms(e),
    ...(e.with.length > 0 ? { with: e.with.map((w) => ({ target: termJson(w.target), value: termJson(w.value) })) } : {}),
  }));
}

function ruleJson(r: Rule): AstJson {
  const h = r.head;
  const first = h.ref[0];
  const head: AstJson = {
    ...(h.args ? { args: h.args.map(termJson) } : {}),
    ...(h.assign ? { assign: true } : {}),
    ...(h.key ? { key: termJson(h.key) } : {}),
    name: h.ref.length === 1 && first?.type === 'var' ? first.name : '',
    ref: h.ref.map(termJson),
    // `p if …` is `p := true if …`, as OPA's parser fills it in.
    ...(h.value ? { value: termJson(h.value) } : h.contains || h.key ? {} : { value: { type: 'boolean', value: true } }),
  };
  return { body: bodyJson(r.body), ...(r.default ? { default: true } : {}), ...(r.else ? { else: ruleJson(r.else) } : {}), head };
}

/** A parsed module as `opa parse --format json` prints it (keys sorted, as Go marshals maps). */
export function moduleJson(m: Module): AstJson {
  return {
    ...(m.imports.length > 0 ? { imports: m.imports.map((i) => ({ ...(i.alias ? { alias: i.alias } : {}), path: termJson(i.path) })) } : {}),
    package: { path: [{ type: 'var', value: 'data' }, ...m.package.path.map(termJson)] },
    ...(m.rules.length > 0 ? { rules: m.rules.map(ruleJson) } : {}),
  };
}

/** What one element of a list is called in the pretty tree. */
const ITEM_NAMES: Record<string, string> = { rules: 'rule', body: 'expr', imports: 'import', with: 'with', args: 'arg', symbols: 'symbol' };

/** The same tree for people: one node a line, children indented by one space (as `opa parse`'s default). */
export function prettyAst(node: unknown, name = 'module', depth = 0): string {
  const pad = ' '.repeat(depth);
  if (Array.isArray(node)) {
    const item = ITEM_NAMES[name] ?? '';
    return `${pad}${name}\n${node.map((n) => prettyAst(n, item, depth + 1)).join('')}`;
  }
  if (node === null || typeof node !== 'object') return `${pad}${name ? `${name} ` : ''}${JSON.stringify(node)}\n`;
  const o = node as AstJson;
  const scalar = typeof o.type === 'string' && (o.value === undefined || o.value === null || typeof o.value !== 'object');
  if (scalar) return `${pad}${name ? `${name} ` : ''}${o.type === 'string' ? JSON.stringify(o.value) : o.type === 'null' ? 'null' : String(o.value)}\n`;
  const label = typeof o.type === 'string' ? o.type : name;
  const inner = Object.entries(o)
    .filter(([k]) => k !== 'type')
    .map(([k, v]) => (k === 'value' && Array.isArray(v) ? v.map((x) => prettyAst(x, '', depth + 1)).join('') : prettyAst(v, k === 'value' ? '' : k, depth + 1)))
    .join('');
  return `${pad}${label}\n${inner}`;
}
