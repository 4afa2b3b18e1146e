import type { HostBuiltin } from '../host-builtin.js';
import { isRegoObject, RegoObjectEntries, typeNameOf } from '../value.js';
import { operandTypeError } from '../errors.js';
import { compareStrings } from './rego-format.js';
import { codePoints } from './code-points.js';
import { operandError, stringArg } from '../operands.js';

// Trimming and multi-pattern replacement with Go's strings semantics: cutsets are sets of code
// points, and trim_space trims exactly Unicode's White_Space (not JavaScript's trim set).

function trimLeftChars(s: string, cutset: Set<string>): string {
  const runes = codePoints(s);
  let i = 0;
  while (i < runes.length && cutset.has(runes[i]!)) i++;
  return runes.slice(i).join('');
}

function trimRightChars(s: string, cutset: Set<string>): string {
  const runes = codePoints(s);
  let j = runes.length;
  while (j > 0 && cutset.has(runes[j - 1]!)) j--;
  return runes.slice(0, j).join('');
}

function cutsetOf(cutset: string): Set<string> {
  return new Set(codePoints(cutset));
}

export const trim: HostBuiltin = (s, cutset) => {
  const set = cutsetOf(stringArg('trim', cutset, 2));
  return trimRightChars(trimLeftChars(stringArg('trim', s, 1), set), set);
};

export const trimLeft: HostBuiltin = (s, cutset) =>
  trimLeftChars(stringArg('trim_left', s, 1), cutsetOf(stringArg('trim_left', cutset, 2)));

export const trimRight: HostBuiltin = (s, cutset) =>
  trimRightChars(stringArg('trim_right', s, 1), cutsetOf(stringArg('trim_right', cutset, 2)));

export const trimPrefix: HostBuiltin = (s, prefix) => {
  const text = stringArg('trim_prefix', s, 1);
  const p = stringArg('trim_prefix', prefix, 2);
  return text.startsWith(p) ? text.slice(p.length) : text;
};

export const trimSuffix: HostBuiltin = (s, suffix) => {
  const text = stringArg('trim_suffix', s, 1);
  const p = stringArg('trim_suffix', suffix, 2);
  return p !== '' && text.endsWith(p) ? text.slice(0, text.length - p.length) : text;
};

const GO_SPACE = new Set(
  [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]
    .concat(Array.from({ length: 11 }, (_, i) => 0x2000 + i))
    .map((cp) => String.fromCodePoint(cp)),
);

export const trimSpace: HostBuiltin = (s) => trimRightChars(trimLeftChars(stringArg('trim_space', s, 1), GO_SPACE), GO_SPACE);

/**
 * Go's strings.Replacer: left to right, no overlaps; where several patterns match at one
 * position the first in priority order wins (OPA passes them sorted by key). An empty pattern
 * matches between characters, but not twice in a row at the same place.
 */
export function replaceAll(text: string, pairs: Array<[string, string]>): string {
  let out = '';
  let i = 0;
  let prevEmpty = false;
  for (;;) {
    const m = pairs.find(([old]) => !(old === '' && prevEmpty) && text.startsWith(old, i));
    if (m !== undefined) {
      out += m[1];
      i += m[0].length;
      prevEmpty = m[0] === '';
      continue;
    }
    prevEmpty = false;
    if (i >= text.length) break;
    const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
    out += text.slice(i, i + width);
    i += width;
  }
  return out;
}

export const replaceN: HostBuiltin = (patterns, value) => {
  const name = 'strings.replace_n';
  if (patterns instanceof RegoObjectEntries) {
    stringArg(name, value, 2);
    throw operandError(name, 1, 'non-string key found in pattern object');
  }
  if (patterns === undefined || !isRegoObject(patterns)) {
    throw operandTypeError(name, 1, 'object', typeNameOf(patterns ?? null));
  }
  const text = stringArg(name, value, 2);
  const keys = Object.keys(patterns).sort(compareStrings);
  const pairs: Array<[string, string]> = keys.map((k) => {
    const v = patterns[k]!;
    if (typeof v !== 'string') throw operandError(name, 1, 'non-string value found in pattern object');
    return [k, v];
  });
  return replaceAll(text, pairs);
};
