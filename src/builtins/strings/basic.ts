import { builtinError, operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, typeNameOf, type RegoValue } from '../value.js';
import { sortedSetItems } from './rego-format.js';
import { codePoints } from './code-points.js';
import { intArg, numberArg, operandError, stringArg, stringElements } from '../operands.js';

// The everyday string builtins (OPA's v1/topdown/strings.go). Positions and lengths count Unicode
// code points, as Go's rune slices do.

export const concat: HostBuiltin = (delimiter, collection) => {
  const sep = stringArg('concat', delimiter, 1);
  let items: RegoValue[];
  if (Array.isArray(collection)) items = collection;
  else if (collection instanceof RegoSet) items = sortedSetItems(collection);
  else throw operandTypeError('concat', 2, 'one of {set, array}', typeNameOf(collection ?? null));
  const kind = typeNameOf(collection!);
  for (const item of items) {
    if (typeof item !== 'string') {
      throw operandError('concat', 2, `must be ${kind} of strings but got ${kind} containing ${typeNameOf(item)}`);
    }
  }
  return (items as string[]).join(sep);
};

export const contains: HostBuiltin = (haystack, needle) =>
  stringArg('contains', haystack, 1).includes(stringArg('contains', needle, 2));

export const startswith: HostBuiltin = (s, prefix) =>
  stringArg('startswith', s, 1).startsWith(stringArg('startswith', prefix, 2));

export const endswith: HostBuiltin = (s, suffix) =>
  stringArg('endswith', s, 1).endsWith(stringArg('endswith', suffix, 2));

function matchPositions(base: string[], search: string[], firstOnly: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i + search.length <= base.length; i++) {
    let ok = true;
    for (let j = 0; j < search.length; j++) {
      if (base[i + j] !== search[j]) {
        ok = false;
        break;
      }
    }
    if (ok) {
      out.push(i);
      if (firstOnly) break;
    }
  }
  return out;
}

export const indexof: HostBuiltin = (s, search) => {
  const base = stringArg('indexof', s, 1);
  const needle = stringArg('indexof', search, 2);
  if (needle === '') throw builtinError('indexof', 'empty search character');
  return matchPositions(codePoints(base), codePoints(needle), true)[0] ?? -1;
};

export const indexofN: HostBuiltin = (s, search) => {
  const base = stringArg('indexof_n', s, 1);
  const needle = stringArg('indexof_n', search, 2);
  if (needle === '') throw builtinError('indexof_n', 'empty search character');
  return matchPositions(codePoints(base), codePoints(needle), false);
};

export const substring: HostBuiltin = (s, offset, length) => {
  const base = stringArg('substring', s, 1);
  const start = intArg('substring', offset, 2);
  const len = intArg('substring', length, 3);
  if (start < 0) throw builtinError('substring', 'negative offset');
  const runes = codePoints(base);
  if (start >= runes.length) return '';
  return (len < 0 ? runes.slice(start) : runes.slice(start, start + len)).join('');
};

/** Go's simple (one rune to one rune) case mapping. */
function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    if (mapped.length === ch.length || codePoints(mapped).length === 1) out += mapped;
    else if (!upper && ch === '\u0130') out += 'i';
    else out += ch;
  }
  return out;
}

export const lower: HostBuiltin = (s) => mapCase(stringArg('lower', s, 1), false);

export const upper: HostBuiltin = (s) => mapCase(stringArg('upper', s, 1), true);

/** Go's strings.Split: an empty separator splits between code points (and "" into no parts). */
function splitParts(text: string, delim: string): string[] {
  return delim === '' ? codePoints(text) : text.split(delim);
}

export const split: HostBuiltin = (s, delimiter) =>
  splitParts(stringArg('split', s, 1), stringArg('split', delimiter, 2));

// JavaScript's split takes its limit as a uint32.
const MAX_SPLIT_LIMIT = 2 ** 32 - 1;

/**
 * strings.split_n: the first `n` parts for a positive `n`, the last `-n` for a negative one, all of
 * them when `n` reaches past either end, none for 0. Unlike Go's SplitN, the remainder is dropped.
 */
export const splitN: HostBuiltin = (s, delimiter, count) => {
  const name = 'strings.split_n';
  const text = stringArg(name, s, 1);
  const delim = stringArg(name, delimiter, 2);
  const n = intArg(name, count, 3);
  if (n >= 0 && delim !== '') return text.split(delim, Math.min(n, MAX_SPLIT_LIMIT));
  const parts = splitParts(text, delim);
  return n >= 0 ? parts.slice(0, n) : parts.slice(Math.max(parts.length + n, 0));
};

export const replace: HostBuiltin = (s, old, replacement) => {
  const text = stringArg('replace', s, 1);
  const from = stringArg('replace', old, 2);
  const to = stringArg('replace', replacement, 3);
  if (from === '') return to + codePoints(text).map((c) => c + to).join('');
  return text.split(from).join(to);
};

export const stringsCount: HostBuiltin = (s, search) => {
  const text = stringArg('strings.count', s, 1);
  const needle = stringArg('strings.count', search, 2);
  if (needle === '') return codePoints(text).length + 1;
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
};

export const stringsReverse: HostBuiltin = (s) => codePoints(stringArg('strings.reverse', s, 1)).reverse().join('');

function stringOrCollection(name: string, value: RegoValue | undefined, position: number): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) || value instanceof RegoSet) return stringElements(name, value, position);
  throw operandTypeError(name, position, 'one of {string, set, array}', typeNameOf(value ?? null));
}

export const anyPrefixMatch: HostBuiltin = (search, base) => {
  const strs = stringOrCollection('strings.any_prefix_match', search, 1);
  const prefixes = stringOrCollection('strings.any_prefix_match', base, 2);
  return strs.some((s) => prefixes.some((p) => s.startsWith(p)));
};

export const anySuffixMatch: HostBuiltin = (search, base) => {
  const strs = stringOrCollection('strings.any_suffix_match', search, 1);
  const suffixes = stringOrCollection('strings.any_suffix_match', base, 2);
  return strs.some((s) => suffixes.some((p) => s.endsWith(p)));
};

const BASES: Record<string, number> = { '2': 2, '8': 8, '10': 10, '16': 16 };

export const formatInt: HostBuiltin = (number, base) => {
  const n = numberArg('format_int', number, 1);
  const b = numberArg('format_int', base, 2);
  const radix = BASES[String(b)];
  if (radix === undefined) throw operandError('format_int', 2, 'must be one of {2, 8, 10, 16}');
  let truncated: bigint;
  if (typeof n === 'bigint') truncated = n;
  else if (!Number.isFinite(n)) throw builtinError('format_int', `invalid number ${n}`);
  else truncated = BigInt(Math.trunc(n));
  return truncated.toString(radix);
};
