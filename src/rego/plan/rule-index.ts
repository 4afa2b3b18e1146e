import type { Expr, RefTerm, StringTerm, Term } from '../ast.js';
import type { RuleDef, RuleGroup } from '../compile/rule-defs.js';
import { refName, termKey } from '../compile/terms.js';
import { compileGoRegexp } from '../../builtins/regex/go-regexp.js';
import { cannotFail, INFALLIBLE_BUILTINS } from './infallible-def.js';
import { prefixDispatchFits } from './prefix-chains.js';
import type { RuleTree } from './rule-tree.js';

/**
 * A rule index on one key (see GroupIndex for a rule set's keys): the definitions of a rule
 * set that compare one ref (or argument) to a scalar constant are visited only when the ref's
 * value equals their constant; or, for a prefix index, those that test `startswith(ref, "c")` only
 * when the ref's value starts with their constant. Definitions are split into runs of indexed ones
 * (`segments`) between definitions without an indexable expression, so that running the
 * candidates of each segment and the others in place keeps the definitions' original order.
 */
export interface RuleIndex {
  key: IndexKey;
  match: IndexMatch;
  /**
   * Per definition of the group, in order: the constants its key must equal one of (one for `==`,
   * the items of a constant collection for `in`) or start with (one string, `startswith`), or
   * undefined (always run).
   */
  values: Array<IndexValue[] | undefined>;
}

/** How a definition's constants select it: the key equals one, or starts with it. */
export type IndexMatch = 'equal' | 'prefix';

/** What is looked up: a ref into `input` or base `data`, or a function's argument. */
export type IndexKey = { kind: 'ref'; ref: RefTerm } | { kind: 'arg'; index: number };

/** A scalar constant with its place in Rego's order of values, as the runtime compares them. */
export interface IndexValue {
  term: Term;
  /** Equal for constants Rego equality cannot tell apart (`1`, `1.0`, `1e0`). */
  id: string;
  rank: number;
  number?: number;
  bytes?: Buffer;
}

// Numbers of at most 15 significant digits map to distinct doubles in their decimal order, so the
// compile-time sort agrees with the runtime's exact decimal comparison; longer ones are not indexed.
const MAX_EXACT_DIGITS = 15;

function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').split(/[eE]/)[0]!.replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

/** The constant as an index value, if it is a scalar the index can order exactly. */
export function indexValue(t: Term): IndexValue | undefined {
  switch (t.type) {
    case 'null':
      return { term: t, id: 'null', rank: 0 };
    case 'boolean':
      return { term: t, id: String(t.value), rank: 1 };
    case 'number': {
      const n = Number(t.text);
      if (!Number.isFinite(n) || significantDigits(t.text) > MAX_EXACT_DIGITS) return undefined;
      return { term: t, id: `n${n}`, rank: 2, number: n };
    }
    case 'string':
      // A lone surrogate has no UTF-8 form to order by.
      if (/\p{Cs}/u.test(t.value)) return undefined;
      return { term: t, id: `s${t.value}`, rank: 3, bytes: Buffer.from(t.value, 'utf8') };
    default:
      return undefined;
  }
}

/** Rego's order of scalars (null < booleans < numbers < strings; strings by UTF-8 bytes). */
export function compareIndexValues(a: IndexValue, b: IndexValue): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  switch (a.rank) {
    case 1:
      return Number(a.id === 'true') - Number(b.id === 'true');
    case 2:
      return a.number! - b.number!;
    case 3:
      return Buffer.compare(a.bytes!, b.bytes!);
    default:
      return 0;
  }
}

/** Whether `t` reads `input` or base `data` (no rule on the way) along constant keys. */
function indexableRef(t: Term, tree: RuleTree): t is RefTerm {
  if (t.type !== 'ref' || t.head.type !== 'var' || t.path.length === 0) return false;
  if (!t.path.every((p) => p.type === 'string' || (p.type === 'number' && /^\d+$/.test(p.text)))) return false;
  if (t.head.name === 'input') return true;
  return t.head.name === 'data' && tree.isBaseData(t.path);
}

// A definition tested by `in` is planned once per item: long allow-lists are left unindexed.
const MAX_MEMBERSHIP_ITEMS = 32;

interface Candidate {
  /** The key and how it is matched, e.g. `equal ref input.path`. */
  id: string;
  key: IndexKey;
  match: IndexMatch;
  values: IndexValue[];
}

/** The items of a constant array or set of scalars the index can order, if all are. */
function constantItems(t: Term): IndexValue[] | undefined {
  if ((t.type !== 'array' && t.type !== 'set') || t.items.length === 0 || t.items.length > MAX_MEMBERSHIP_ITEMS) return undefined;
  const values = t.items.map(indexValue);
  return values.every((v) => v !== undefined) ? (values as IndexValue[]) : undefined;
}

/** The key `t` is, if any: an indexable ref or one of the definition's argument variables. */
function keyOf(t: Term, def: RuleDef, tree: RuleTree): { id: string; key: IndexKey } | undefined {
  if (indexableRef(t, tree)) return { id: `ref ${termKey(t)}`, key: { kind: 'ref', ref: t } };
  if (t.type !== 'var') return undefined;
  const index = def.args.findIndex((x) => x.type === 'var' && x.name === t.name);
  return index >= 0 ? { id: `arg ${index}`, key: { kind: 'arg', index } } : undefined;
}

/** A candidate of `key` matched by `match`. */
function candidate(key: { id: string; key: IndexKey }, match: IndexMatch, values: IndexValue[]): Candidate {
  return { id: `${match} ${key.id}`, key: key.key, match, values };
}

/**
 * The (key, constants) pairs one expression offers: `ref == c`, `c = ref`, `arg == c`,
 * `ref in {c1, c2}`, `startswith(ref, "c")`.
 */
function exprCandidates(e: Expr, def: RuleDef, tree: RuleTree): Candidate[] {
  if (e.type !== 'call' || e.negated || e.with.length > 0 || e.logical) return [];
  const op = refName(e.operator);
  if (op === 'glob.match' && e.args.length === 3) return globCandidates(e.args as [Term, Term, Term], def, tree);
  if (e.args.length !== 2) return [];
  const [a, b] = e.args as [Term, Term];
  if (op === 'internal.member_2') {
    const key = keyOf(a, def, tree);
    const values = constantItems(b);
    return key && values ? [candidate(key, 'equal', values)] : [];
  }
  if (op === 'regex.match') return regexCandidates(a, b, def, tree);
  if (op === 'startswith') return b.type === 'string' ? prefixCandidate(keyOf(a, def, tree), b) : [];
  if (op !== 'equal' && op !== 'eq') return [];
  const out: Candidate[] = [];
  for (const [side, other] of [[a, b], [b, a]] as const) {
    const value = indexValue(other);
    const key = value && keyOf(side, def, tree);
    if (key) out.push(candidate(key, 'equal', [value]));
  }
  return out;
}

/**
 * `glob.match("p…", delimiters, ref)`: a value the pattern matches starts with the pattern's text
 * before its first wildcard, so the definition is a prefix test's candidate. Only patterns of text,
 * `*`, `**` and `?` (no escapes, ranges or alternatives) with constant delimiters OPA accepts (null,
 * or single characters): the call cannot fail then, so a definition the index leaves out would
 * not have raised an error either. A pattern that opens with a wildcard selects nothing.
 */
function globCandidates([pattern, delimiters, subject]: [Term, Term, Term], def: RuleDef, tree: RuleTree): Candidate[] {
  if (pattern.type !== 'string' || /[\\[\]{}]/.test(pattern.value) || !plainDelimiters(delimiters)) return [];
  const text = pattern.value.slice(0, pattern.value.search(/[*?]|$/));
  return text === '' ? [] : prefixCandidate(keyOf(subject, def, tree), { type: 'string', value: text, loc: pattern.loc });
}

/**
 * `regex.match("^text…", ref)`: a value an expression anchored at the start of the text matches
 * starts with the literal text it opens with (see anchoredLiteral). Only a pattern that compiles:
 * leaving the definition out must not hide its error.
 */
function regexCandidates(pattern: Term, subject: Term, def: RuleDef, tree: RuleTree): Candidate[] {
  if (pattern.type !== 'string') return [];
  const text = anchoredLiteral(pattern.value);
  if (text === undefined) return [];
  const key = keyOf(subject, def, tree);
  // Compiled last: only a pattern the index would use.
  return key && compiles(pattern.value) ? prefixCandidate(key, { type: 'string', value: text, loc: pattern.loc }) : [];
}

/** The prefix test of `key` against the constant `prefix`, when both can be indexed. */
function prefixCandidate(key: { id: string; key: IndexKey } | undefined, prefix: StringTerm): Candidate[] {
  const value = key && indexValue(prefix);
  return key && value ? [candidate(key, 'prefix', [value])] : [];
}

function compiles(pattern: string): boolean {
  try {
    compileGoRegexp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** ASCII punctuation: escaped, it is itself in Go's syntax (`\.`, `\/`, `\-`). */
const ESCAPED_LITERAL = /[!-/:-@[-`{-~]/;
/** What ends a run of literal text in Go's syntax (`{` may open a repetition). */
const META = /[.[\](){}*+?^$|\\]/;
const QUANTIFIER = /[*+?{]/;

/**
 * The text every string `pattern` matches starts with: the literal characters after a leading `^`
 * (which, without the `m` flag set before it, anchors at the start of the text), up to the first
 * metacharacter, less the last one when a quantifier follows it (`^ab*` → `a`). None for a pattern
 * with `|` anywhere (an alternative would not be anchored) or without a leading `^`.
 */
export function anchoredLiteral(pattern: string): string | undefined {
  if (!pattern.startsWith('^') || pattern.includes('|')) return undefined;
  const chars: string[] = [];
  let at = 1;
  while (at < pattern.length) {
    const c = pattern[at]!;
    if (c === '\\') {
      const next = pattern[at + 1];
      if (next === undefined || !ESCAPED_LITERAL.test(next)) break;
      chars.push(next);
      at += 2;
      continue;
    }
    if (META.test(c)) break;
    const char = String.fromCodePoint(pattern.codePointAt(at)!);
    chars.push(char);
    at += char.length;
  }
  if (at < pattern.length && QUANTIFIER.test(pattern[at]!)) chars.pop();
  const text = chars.join('');
  return text === '' ? undefined : text;
}

/** `null`, or an array of one-character strings: delimiters `glob.match` takes without an error. */
function plainDelimiters(t: Term): boolean {
  if (t.type === 'null') return true;
  return t.type === 'array' && t.items.every((i) => i.type === 'string' && Array.from(i.value).length === 1);
}

/** Every (key, constant) pair of one definition: its constant arguments and its body's equalities. */
function defCandidates(def: RuleDef, tree: RuleTree): Candidate[] {
  const out: Candidate[] = [];
  def.args.forEach((t, index) => {
    const value = indexValue(t);
    if (value) out.push(candidate({ id: `arg ${index}`, key: { kind: 'arg', index } }, 'equal', [value]));
  });
  for (const e of def.body) out.push(...exprCandidates(e, def, tree));
  return out;
}

/** Whether a group's shape allows running a subset of its definitions and merging their results. */
function indexableGroup(group: RuleGroup): boolean {
  if (group.defs.length < 2) return false;
  // Objects merge one key deep; nested keys (folded rules, `p[a][b]`) are left alone.
  if (group.kind === 'object') return group.defs.every((d) => d.keys.length === 1 && d.element === undefined);
  return true;
}

/**
 * The indexes of one rule set (OPA's trie branches on every ref its definitions compare): the
 * first key is chosen over all the definitions, each next one over the definitions no earlier
 * key covers, so a table of users, addresses and paths is dispatched on all three. A definition is
 * dispatched on one key at most.
 */
export interface GroupIndex {
  keys: RuleIndex[];
  /** Per definition: whether it may run before or after the others of its run (see cannotFail). */
  reorderable: boolean[];
}

/** Keys one rule set is dispatched on at most (each run evaluates its own). */
const MAX_KEYS = 16;

/**
 * The index for a rule set, or undefined when none helps: first the key shared by the most
 * definitions with the most distinct constants (as OPA's trie would branch first on), an equality
 * before a prefix test of as many (an equality selects one constant's definitions, a prefix may
 * select several); then, among the definitions it does not cover, the next such key, and so on.
 * Definitions with `else` chains are always run (their later branches may hold when the first
 * body's key does not match).
 */
export function buildRuleIndex(group: RuleGroup, tree: RuleTree): GroupIndex | undefined {
  if (!indexableGroup(group)) return undefined;
  const perDef = group.defs.map((d) => (d.elses.length > 0 ? [] : defCandidates(d, tree)));
  const keys: RuleIndex[] = [];
  const covered = new Array<boolean>(perDef.length).fill(false);
  while (keys.length < MAX_KEYS) {
    const best = bestKey(perDef, covered);
    if (!best) break;
    keys.push(best);
    best.values.forEach((v, i) => (covered[i] ||= v !== undefined));
  }
  if (keys.length === 0) return undefined;
  return { keys, reorderable: keys.length > 1 ? group.defs.map((d) => cannotFail(d, tree)) : group.defs.map(() => false) };
}

/** The best key over the definitions not yet `covered`, with their constants (undefined for the others). */
function bestKey(perDef: Candidate[][], covered: boolean[]): RuleIndex | undefined {
  const options = new Map<string, { key: IndexKey; match: IndexMatch; values: Array<IndexValue[] | undefined> }>();
  perDef.forEach((cands, i) => {
    if (covered[i]) return;
    for (const c of cands) {
      const option = options.get(c.id) ?? { key: c.key, match: c.match, values: new Array<IndexValue[] | undefined>(perDef.length).fill(undefined) };
      option.values[i] ??= c.values;
      options.set(c.id, option);
    }
  });
  let best: { index: RuleIndex; defs: number; distinct: number } | undefined;
  for (const { key, match, values } of options.values()) {
    const defs = values.filter((v) => v !== undefined).length;
    const distinct = new Set(values.flatMap((v) => (v ?? []).map((x) => x.id))).size;
    if (defs < 2 || (match === 'prefix' && !prefixDispatchFits(values))) continue;
    const better =
      !best ||
      distinct > best.distinct ||
      (distinct === best.distinct && (defs > best.defs || (defs === best.defs && match === 'equal' && best.index.match === 'prefix')));
    if (better) best = { index: { key, match, values }, defs, distinct };
  }
  return best?.index;
}

/**
 * The part of `index` that applies where `with` replaces the builtins named in `mocks`: a prefix
 * index stands in for `startswith`, `glob.match` and `regex.match`, and a replaced one may hold for
 * any value (its definitions then run in place); a replaced comparison (or sprintf) may fail, so
 * no definition is run out of order.
 */
export function applicableIndex(index: GroupIndex | undefined, mocks: ReadonlyMap<string, unknown>): GroupIndex | undefined {
  if (!index || mocks.size === 0) return index;
  const prefixReplaced = mocks.has('startswith') || mocks.has('glob.match') || mocks.has('regex.match');
  const keys = prefixReplaced ? index.keys.filter((k) => k.match !== 'prefix') : index.keys;
  if (keys.length === 0) return undefined;
  const comparisonReplaced = INFALLIBLE_BUILTINS.some((name) => mocks.has(name));
  return { keys, reorderable: comparisonReplaced ? index.reorderable.map(() => false) : index.reorderable };
}

/** Indexes of every group that has one (compile option `ruleIndex: false`: none). */
export function buildRuleIndexes(tree: RuleTree): Map<RuleGroup, GroupIndex> {
  const out = new Map<RuleGroup, GroupIndex>();
  for (const g of tree.groups) {
    const index = buildRuleIndex(g, tree);
    if (index) out.set(g, index);
  }
  return out;
}
