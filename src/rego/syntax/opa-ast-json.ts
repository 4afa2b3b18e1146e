import type { Body, Expr, Import, Module, Rule, RuleHead, Term, WithModifier } from '../ast.js';

/** A JSON document: what `JSON.stringify` writes and `JSON.parse` reads back unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type JsonObject = { [key: string]: JsonValue };

// OPA's JSON form of a parsed module (v1/ast/policy.go and term.go, encoding/json without
// locations): terms are {"type", "value"}, bodies arrays of {"index", "terms"[, "negated", "with"]},
// rule heads carry OPA's `name`/`key`/`value` choices, rules without a body get OPA's `true`.

// OPA's sortOrder of term kinds (v1/ast/compare.go): sets and objects print in this order.
const KIND_ORDER: Record<Term['type'], number> = {
  null: 0, boolean: 1, number: 2, string: 3, var: 4, ref: 5, array: 6, object: 7, set: 8,
  arrayComprehension: 9, objectComprehension: 10, setComprehension: 11, call: 12, templateString: 13,
};

const TRUE: JsonObject = { type: 'boolean', value: true };

/**
 * The module as OPA's `json.Marshal(module)` writes it, which is what `rego.parse_module` returns
 * and `opa parse --format json` prints.
 *
 * @example
 * const { module } = parseModule('package a\np := 1', { file: 'a.rego' });
 * opaAstJson(module!).package; // { path: [{ type: 'var', value: 'data' }, { type: 'string', value: 'a' }] }
 */
export function opaAstJson(module: Module): JsonObject {
  const out: JsonObject = {
    package: { path: [{ type: 'var', value: 'data' }, ...module.package.path.map(termJson)] },
  };
  if (module.imports.length > 0) out.imports = module.imports.map(importJson);
  if (module.rules.length > 0) out.rules = module.rules.map((r) => ruleJson(r));
  if (module.comments.length > 0) {
    out.comments = module.comments.map((c) => ({
      Location: { file: c.loc.file, row: c.loc.line, col: c.loc.col },
      // Go's encoding/json writes a []byte as base64.
      Text: Buffer.from(c.text, 'utf8').toString('base64'),
    }));
  }
  return out;
}

function importJson(imp: Import): JsonObject {
  const out: JsonObject = { path: termJson(imp.path) };
  if (imp.alias !== undefined) out.alias = imp.alias;
  return out;
}

function ruleJson(rule: Rule, parentHead?: JsonObject): JsonObject {
  const head = parentHead === undefined ? headJson(rule) : { ...parentHead, value: rule.head.value ? termJson(rule.head.value) : TRUE };
  const out: JsonObject = { head, body: rule.body.length === 0 ? [{ index: 0, terms: TRUE }] : bodyJson(rule.body) };
  if (rule.default) out.default = true;
  if (rule.else) out.else = ruleJson(rule.else, head);
  return out;
}

/**
 * OPA's parser decides `name` and `key` by how the head was written: a one-segment ref names the
 * rule; a two-segment ref ending in a non-ground term is a partial object (`name` + `key`); a
 * two-segment ref with `if` and a value is named after its first segment. A v1 rule has `if` exactly
 * when it has a body (v0 bodies without `if` are read the same way, an approximation).
 */
function headJson(rule: Rule): JsonObject {
  const h: RuleHead = rule.head;
  const ref = h.ref.map(termJson);
  const out: JsonObject = { ref };
  const first = h.ref[0];
  const firstName = first?.type === 'var' ? first.name : undefined;
  const last = h.ref[h.ref.length - 1]!;
  const hasIf = rule.body.length > 0 && !rule.default;
  let name = h.ref.length === 1 ? firstName : undefined;
  let key: Term | undefined = h.contains ? h.key : undefined;
  let value: JsonValue | undefined = h.value ? termJson(h.value) : undefined;
  if (!h.contains && h.args === undefined && h.ref.length === 2) {
    const dynamic = !isGround(last) || last.type === 'ref';
    if (hasIf) {
      if (dynamic) key = last;
      if (value === undefined) value = TRUE;
      else name = firstName;
    } else if (dynamic) {
      name = firstName;
      key = last;
    }
  }
  if (value === undefined && !h.contains) value = TRUE;
  if (name !== undefined) out.name = name;
  if (h.args !== undefined) out.args = h.args.map(termJson);
  if (key !== undefined) out.key = termJson(key);
  if (value !== undefined) out.value = value;
  if (h.assign) out.assign = true;
  return out;
}

function isGround(t: Term): boolean {
  switch (t.type) {
    case 'var':
      return false;
    case 'ref':
      return isGround(t.head) && t.path.every(isGround);
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.entries.every(([k, v]) => isGround(k) && isGround(v));
    case 'call':
      return t.args.every(isGround);
    case 'arrayComprehension':
    case 'setComprehension':
    case 'objectComprehension':
    case 'templateString':
      return false;
    default:
      return true;
  }
}

function bodyJson(body: Body): JsonValue[] {
  return body.map(exprJson);
}

function exprJson(e: Expr, index: number): JsonObject {
  const out: JsonObject = { index, terms: exprTerms(e) };
  if (e.negated) out.negated = true;
  if (e.with.length > 0) out.with = e.with.map(withJson);
  return out;
}

function exprTerms(e: Expr): JsonValue {
  switch (e.type) {
    case 'term':
      return termJson(e.term);
    case 'call':
      return [termJson(e.operator), ...e.args.map(termJson)];
    case 'some':
      return { symbols: e.vars.map(termJson) };
    case 'someIn': {
      const loc = e.value.loc;
      const op = e.key === undefined ? 'member_2' : 'member_3';
      const args = e.key === undefined ? [e.value, e.collection] : [e.key, e.value, e.collection];
      const operator: Term = { type: 'ref', head: { type: 'var', name: 'internal', loc }, path: [{ type: 'string', value: op, loc }], loc };
      return { symbols: [{ type: 'call', value: [termJson(operator), ...args.map(termJson)] }] };
    }
    case 'every':
      return {
        key: e.key === undefined ? null : termJson(e.key),
        value: termJson(e.value),
        domain: termJson(e.domain),
        body: bodyJson(e.body),
      };
  }
}

function withJson(w: WithModifier): JsonObject {
  return { target: termJson(w.target), value: termJson(w.value) };
}

/** One term as OPA writes it: `{"type": "ref", "value": [...]}`. */
export function termJson(t: Term): JsonObject {
  switch (t.type) {
    case 'null':
      return { type: 'null', value: null };
    case 'boolean':
      return { type: 'boolean', value: t.value };
    case 'number':
      return { type: 'number', value: Number(t.text) };
    case 'string':
      return { type: 'string', value: t.value };
    case 'var':
      // Warden names wildcards `$_N`; OPA names them `$N`.
      return { type: 'var', value: t.name.replace(/^\$_(\d+)$/, '$$$1') };
    case 'ref':
      return { type: 'ref', value: [termJson(t.head), ...t.path.map(termJson)] };
    case 'array':
      return { type: 'array', value: t.items.map(termJson) };
    case 'set':
      return { type: 'set', value: [...t.items].sort(compareTerms).map(termJson) };
    case 'object':
      return { type: 'object', value: [...t.entries].sort((a, b) => compareTerms(a[0], b[0])).map(([k, v]) => [termJson(k), termJson(v)]) };
    case 'arrayComprehension':
      return { type: 'arraycomprehension', value: { term: termJson(t.head), body: bodyJson(t.body) } };
    case 'setComprehension':
      return { type: 'setcomprehension', value: { term: termJson(t.head), body: bodyJson(t.body) } };
    case 'objectComprehension':
      return { type: 'objectcomprehension', value: { key: termJson(t.key), value: termJson(t.value), body: bodyJson(t.body) } };
    case 'call':
      return { type: 'call', value: [termJson(t.operator), ...t.args.map(termJson)] };
    case 'templateString':
      return { type: 'templatestring', value: t.parts.map((p) => (typeof p === 'string' ? { type: 'string', value: p } : termJson(p))) };
  }
}

/** OPA's term order, enough to print sets and objects as OPA sorts them. */
function compareTerms(a: Term, b: Term): number {
  const ka = KIND_ORDER[a.type];
  const kb = KIND_ORDER[b.type];
  if (ka !== kb) return ka - kb;
  const sa = scalarKey(a);
  const sb = scalarKey(b);
  if (sa !== undefined && sb !== undefined) {
    if (typeof sa === 'number' && typeof sb === 'number') return sa - sb;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  return compareTermLists(children(a), children(b));
}

function scalarKey(t: Term): string | number | undefined {
  switch (t.type) {
    case 'null':
      return 0;
    case 'boolean':
      return t.value ? 1 : 0;
    case 'number':
      return Number(t.text);
    case 'string':
      return t.value;
    case 'var':
      return t.name;
    default:
      return undefined;
  }
}

function children(t: Term): Term[] {
  switch (t.type) {
    case 'ref':
      return [t.head, ...t.path];
    case 'array':
      return t.items;
    case 'set':
      return [...t.items].sort(compareTerms);
    case 'object':
      return [...t.entries].sort((x, y) => compareTerms(x[0], y[0])).flat();
    case 'call':
      return [t.operator, ...t.args];
    case 'arrayComprehension':
    case 'setComprehension':
      return [t.head];
    case 'objectComprehension':
      return [t.key, t.value];
    default:
      return [];
  }
}

function compareTermLists(a: Term[], b: Term[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareTerms(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
