import { builtinError, guarded } from '../errors.js';
import type { HostBuiltinTable } from '../host-builtin.js';
import type { RegoValue } from '../value.js';
import { globsIntersect } from '../glob/glob-intersection.js';
import { compileGoRegexp, quoteMeta, type GoRegexp } from './go-regexp.js';
import { intArg, stringArg } from '../operands.js';

function regexp(name: string, pattern: string): GoRegexp {
  return guarded(name, () => compileGoRegexp(pattern));
}

function regexMatch(name: string) {
  return (pattern: RegoValue, value: RegoValue): RegoValue => {
    const p = stringArg(name, pattern, 1);
    const s = stringArg(name, value, 2);
    return regexp(name, p).test(s);
  };
}

/** Go's `strconv.Quote`, close enough for error messages (`%q`). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** OPA's forked gorilla/mux template compiler: `<regex>` parts between literal text. */
function compileTemplate(name: string, template: string, open: string, close: string): GoRegexp {
  const unbalanced = () => builtinError(name, `unbalanced braces in ${goQuote(template)}`);
  const bounds: number[] = [];
  let level = 0;
  let start = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === open) {
      if (++level === 1) start = i;
    } else if (c === close) {
      if (--level === 0) bounds.push(start, i + 1);
      else if (level < 0) throw unbalanced();
    }
  }
  if (level !== 0) throw unbalanced();
  let pattern = '^';
  let end = 0;
  for (let i = 0; i < bounds.length; i += 2) {
    const raw = template.slice(end, bounds[i]);
    end = bounds[i + 1]!;
    const part = template.slice(bounds[i]! + 1, end - 1);
    pattern += `${quoteMeta(raw)}(${part})`;
    regexp(name, `^${part}$`);
  }
  pattern += `${quoteMeta(template.slice(end))}$`;
  return regexp(name, pattern);
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** `regex.*` and `re_match`. */
export const regexBuiltins: HostBuiltinTable = {
  'regex.match': regexMatch('regex.match'),
  re_match: regexMatch('re_match'),

  'regex.is_valid': (pattern) => {
    if (typeof pattern !== 'string') return false;
    try {
      compileGoRegexp(pattern);
      return true;
    } catch {
      return false;
    }
  },

  'regex.split': (pattern, value) => {
    const name = 'regex.split';
    const p = stringArg(name, pattern, 1);
    const s = stringArg(name, value, 2);
    return regexp(name, p).split(s);
  },

  'regex.find_n': (pattern, value, number) => {
    const name = 'regex.find_n';
    const p = stringArg(name, pattern, 1);
    const s = stringArg(name, value, 2);
    const n = intArg(name, number, 3);
    return regexp(name, p)
      .findAll(s, n, false)
      .map((m) => m.groups[0] ?? '');
  },

  'regex.find_all_string_submatch_n': (pattern, value, number) => {
    const name = 'regex.find_all_string_submatch_n';
    const p = stringArg(name, pattern, 1);
    const s = stringArg(name, value, 2);
    const n = intArg(name, number, 3);
    return regexp(name, p)
      .findAll(s, n, true)
      .map((m) => m.groups.map((g) => g ?? ''));
  },

  'regex.replace': (base, pattern, replacement) => {
    const name = 'regex.replace';
    const s = stringArg(name, base, 1);
    const p = stringArg(name, pattern, 2);
    const r = stringArg(name, replacement, 3);
    return regexp(name, p).replaceAll(s, r);
  },

  'regex.template_match': (template, value, delimStart, delimEnd) => {
    const name = 'regex.template_match';
    const t = stringArg(name, template, 1);
    const s = stringArg(name, value, 2);
    const open = stringArg(name, delimStart, 3);
    const close = stringArg(name, delimEnd, 4);
    // OPA reports the start delimiter's length in both messages.
    if (utf8Length(open) !== 1) {
      throw builtinError(name, `start delimiter has to be exactly one character long but is ${utf8Length(open)} long`);
    }
    if (utf8Length(close) !== 1) {
      throw builtinError(name, `end delimiter has to be exactly one character long but is ${utf8Length(open)} long`);
    }
    return compileTemplate(name, t, open, close).test(s);
  },

  'regex.globs_match': (glob1, glob2) => {
    const name = 'regex.globs_match';
    const a = stringArg(name, glob1, 1);
    const b = stringArg(name, glob2, 2);
    return guarded(name, () => globsIntersect(a, b));
  },
};
