import type { Rule, Term } from '../ast.js';
import type { Place, SourceRows } from './source-rows.js';

/** A rule head as OPA's AST has it (the formatter's decisions follow OPA's fields). */
export interface HeadView {
  ref: Term[];
  args?: Term[];
  key?: Term;
  /** Absent for partial sets. */
  value?: Term;
  /** The value is the `true` OPA implies for `p if …`, `f(x) if …`. */
  impliedValue: boolean;
  assign: boolean;
  place: Place;
  isElse: boolean;
}

const isGround = (t: Term): boolean => t.type === 'string' || t.type === 'number' || t.type === 'boolean' || t.type === 'null';

/**
 * `v0SetKeys`: the module was parsed as v0 without `contains` as a keyword, where `p["x"]` and
 * `p.x` without value are partial sets as in OPA (Warden's parser reads them as ref heads).
 */
export function viewHead(rule: Rule, rows: SourceRows, v0SetKeys: boolean): HeadView {
  const h = rule.head;
  const place = rows.place(h.loc);
  if (h.contains) return { ref: h.ref, args: h.args, key: h.key, impliedValue: false, assign: h.assign, place, isElse: false };
  if (v0SetKeys && h.value === undefined && h.args === undefined && h.ref.length === 2) {
    return { ref: [h.ref[0]!], key: h.ref[1], impliedValue: false, assign: false, place, isElse: false };
  }
  const value: Term = h.value ?? { type: 'boolean', value: true, loc: h.loc };
  const key = h.ref.length === 2 && h.value !== undefined && h.args === undefined ? h.ref[1] : undefined;
  return { ref: h.ref, args: h.args, key, value, impliedValue: h.value === undefined, assign: h.assign, place, isElse: false };
}

export function viewElseHead(rule: Rule, rows: SourceRows): HeadView {
  const h = rule.head;
  const place = h.value ? rows.span(h.loc, h.value.loc) : rows.place(h.loc);
  const elseVar: Term = { type: 'var', name: 'else', loc: h.loc };
  const value: Term = h.value ?? { type: 'boolean', value: true, loc: h.loc };
  return { ref: [elseVar], value, impliedValue: h.value === undefined, assign: /^else\s*:=/.test(place.text), place, isElse: true };
}

/** The ground prefix of a head ref (`p.q` of `p.q contains x`), and whether anything after it varies. */
export function groundPrefix(ref: Term[]): { prefix: Term[]; dynamic: boolean } {
  const i = ref.findIndex((t, n) => n > 0 && !isGround(t));
  return i < 0 ? { prefix: ref, dynamic: false } : { prefix: ref.slice(0, i), dynamic: true };
}

export function needsRefHeads(head: HeadView): boolean {
  return head.ref.length > 2 || (head.ref.length === 2 && head.key !== undefined && head.value === undefined);
}
