// Provenance: follows Go's src/fmt/print.go (Sprintf's format walk and error notations); Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import { Printer, TYPE_NAMES, type FmtArg } from './go-fmt.js';

// Go's fmt.Sprintf: the format-string walk (flags, width, precision, `*`, explicit argument
// indexes) and Go's error notations (%!d(MISSING), %!(EXTRA ...), %!(NOVERB), %!d(BADINDEX)).

const TOO_LARGE = 1e6;

/** Digits at `start`: [value, found, next index]; absurdly long numbers count as absent. */
function parseNum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let found = false;
  let i = start;
  for (; i < end && s[i]! >= '0' && s[i]! <= '9'; i++) {
    if (num > TOO_LARGE) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 48);
    found = true;
  }
  return [num, found, i];
}

/** Go's fmt.Sprintf. */
export function goSprintf(format: string, args: FmtArg[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  // Go's argNumber: an optional [n] index; records whether one was found in `afterIndex`.
  const argNumber = (i: number): number => {
    afterIndex = false;
    if (i >= end || format[i] !== '[') return i;
    reordered = true;
    const close = format.indexOf(']', i + 1);
    if (end - i < 3 || close < 0) {
      goodArgNum = false;
      return i + 1;
    }
    const [n, ok, next] = parseNum(format, i + 1, close);
    if (!ok || next !== close) {
      goodArgNum = false;
      return close + 1;
    }
    afterIndex = true;
    if (n - 1 >= 0 && n - 1 < args.length) argNum = n - 1;
    else goodArgNum = false;
    return close + 1;
  };

  const intFromArg = (): [number, boolean] => {
    if (argNum >= args.length) return [0, false];
    const a = args[argNum++]!;
    if (a.kind !== 'int' || a.v > BigInt(TOO_LARGE) || a.v < -BigInt(TOO_LARGE)) return [0, false];
    return [Number(a.v), true];
  };

  let i = 0;
  while (i < end) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) p.out += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    p.clearFlags();
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          p.sharp = true;
          break;
        case '0':
          p.zero = !p.minus;
          break;
        case '+':
          p.plus = true;
          break;
        case '-':
          p.minus = true;
          p.zero = false;
          break;
        case ' ':
          p.space = true;
          break;
        default:
          break flags;
      }
    }
    i = argNumber(i);
    if (i < end && format[i] === '*') {
      i++;
      [p.wid, p.widPresent] = intFromArg();
      if (!p.widPresent) p.out += '%!(BADWIDTH)';
      if (p.wid < 0) {
        p.wid = -p.wid;
        p.minus = true;
        p.zero = false;
      }
      afterIndex = false;
    } else {
      [p.wid, p.widPresent, i] = parseNum(format, i, end);
      if (afterIndex && p.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      i = argNumber(i);
      if (i < end && format[i] === '*') {
        i++;
        [p.prec, p.precPresent] = intFromArg();
        if (p.prec < 0) {
          p.prec = 0;
          p.precPresent = false;
        }
        if (!p.precPresent) p.out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        [p.prec, p.precPresent, i] = parseNum(format, i, end);
        if (!p.precPresent) {
          p.prec = 0;
          p.precPresent = true;
        }
      }
    }
    if (!afterIndex) i = argNumber(i);
    if (i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      p.out += '%';
    } else if (!goodArgNum) {
      p.out += `%!${verb}(BADINDEX)`;
    } else if (argNum >= args.length) {
      p.out += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        p.sharpV = p.sharp;
        p.sharp = false;
        p.plusV = p.plus;
        p.plus = false;
      }
      p.printArg(args[argNum]!, verb);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    p.clearFlags();
    p.out += '%!(EXTRA ';
    args.slice(argNum).forEach((a, k) => {
      if (k > 0) p.out += ', ';
      p.out += TYPE_NAMES[a.kind] + '=';
      p.printArg(a, 'v');
    });
    p.out += ')';
  }
  return p.out;
}
