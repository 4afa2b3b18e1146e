// Provenance: follows Go's src/fmt/format.go; Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import { formatFloat } from './go-float.js';
import { goQuote, goQuoteRune, isGoPrint } from './rego-format.js';

// How Go's fmt prints one operand of the kinds OPA's sprintf hands it: Go int, *big.Int,
// float64 and string, under the flags, width and precision of one verb.

export type FmtArg =
  | { kind: 'int'; v: bigint }
  | { kind: 'bigint'; v: bigint }
  | { kind: 'float'; v: number }
  | { kind: 'string'; v: string };

export const TYPE_NAMES = { int: 'int', bigint: '*big.Int', float: 'float64', string: 'string' } as const;

/** Go's fmt printer state (pp + fmt) for one Sprintf call. */
export class Printer {
  out = '';
  plus = false;
  minus = false;
  sharp = false;
  space = false;
  zero = false;
  sharpV = false;
  plusV = false;
  wid = 0;
  widPresent = false;
  prec = 0;
  precPresent = false;

  clearFlags(): void {
    this.plus = this.minus = this.sharp = this.space = this.zero = this.sharpV = this.plusV = false;
    this.wid = this.prec = 0;
    this.widPresent = this.precPresent = false;
  }

  padding(n: number, zero: boolean): string {
    return n > 0 ? (zero ? '0' : ' ').repeat(n) : '';
  }

  /** Pads to the width (counted in runes) on the left, or on the right with `-`. */
  pad(s: string, zero = this.zero): void {
    if (!this.widPresent || this.wid === 0) {
      this.out += s;
      return;
    }
    const n = this.wid - Array.from(s).length;
    if (this.minus) this.out += s + this.padding(n, false);
    else this.out += this.padding(n, zero) + s;
  }

  fmtInteger(value: bigint, base: number, verb: string, upper: boolean): void {
    const negative = value < 0n;
    const u = negative ? -value : value;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        this.out += this.padding(this.wid, false);
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (this.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.plus) digits = '+' + digits;
    else if (this.space) digits = ' ' + digits;
    this.pad(digits, false);
  }

  fmtRune(code: bigint, verb: string): void {
    const cp = code < 0n || code > 0x10ffffn || (code >= 0xd800n && code <= 0xdfffn) ? 0xfffd : Number(code);
    if (verb === 'c') this.pad(String.fromCodePoint(cp), false);
    else this.pad(goQuoteRune(cp, this.plus), false);
  }

  fmtUnicode(code: bigint): void {
    let digits = (code < 0n ? code + (1n << 64n) : code).toString(16).toUpperCase();
    const prec = this.precPresent && this.prec > 4 ? this.prec : 4;
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    let s = 'U+' + digits;
    if (this.sharp && code >= 0n && code <= 0x10ffffn && isGoPrint(Number(code))) {
      s += " '" + String.fromCodePoint(Number(code)) + "'";
    }
    this.pad(s, false);
  }

  printInt(v: bigint, verb: string, arg: FmtArg): void {
    switch (verb) {
      case 'v':
      case 'd':
        return this.fmtInteger(v, 10, verb, false);
      case 'b':
        return this.fmtInteger(v, 2, verb, false);
      case 'o':
      case 'O':
        return this.fmtInteger(v, 8, verb, false);
      case 'x':
        return this.fmtInteger(v, 16, verb, false);
      case 'X':
        return this.fmtInteger(v, 16, verb, true);
      case 'c':
      case 'q':
        return this.fmtRune(v, verb);
      case 'U':
        return this.fmtUnicode(v);
      default:
        return this.badVerb(verb, arg);
    }
  }

  /** *big.Int's own Format method. */
  printBigInt(v: bigint, verb: string): void {
    const bases: Record<string, number> = { b: 2, o: 8, O: 8, d: 10, s: 10, v: 10, x: 16, X: 16 };
    const base = bases[verb];
    if (base === undefined) {
      this.out += `%!${verb}(big.Int=${v.toString()})`;
      return;
    }
    const sign = v < 0n ? '-' : this.plus || this.plusV ? '+' : this.space ? ' ' : '';
    let prefix = '';
    if (this.sharp) prefix = ({ b: '0b', o: '0', x: '0x', X: '0X' } as Record<string, string>)[verb] ?? '';
    if (verb === 'O') prefix = '0o';
    let digits = (v < 0n ? -v : v).toString(base);
    if (verb === 'X') digits = digits.toUpperCase();
    let zeros = 0;
    if (this.precPresent) {
      if (digits.length < this.prec) zeros = this.prec - digits.length;
      else if (digits === '0' && this.prec === 0) return;
    }
    const length = sign.length + prefix.length + zeros + digits.length;
    let left = 0;
    let right = 0;
    if (this.widPresent && length < this.wid) {
      const d = this.wid - length;
      if (this.minus) right = d;
      else if (this.zero && !this.precPresent) zeros = d;
      else left = d;
    }
    this.out += ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right);
  }

  printFloat(v: number, verb: string, arg: FmtArg): void {
    let fmt: string;
    let prec: number;
    switch (verb) {
      case 'v':
        fmt = 'g';
        prec = -1;
        break;
      case 'g':
      case 'G':
        fmt = verb;
        prec = -1;
        break;
      case 'e':
      case 'E':
      case 'f':
        fmt = verb;
        prec = 6;
        break;
      case 'F':
        fmt = 'f';
        prec = 6;
        break;
      default:
        return this.badVerb(verb, arg);
    }
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, fmt, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num, false);
      return;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.out += num[0] + this.padding(this.wid - num.length, true) + num.slice(1);
        return;
      }
      this.pad(num, false);
      return;
    }
    this.pad(num.slice(1), this.zero);
  }

  truncate(s: string): string {
    if (!this.precPresent) return s;
    const runes = Array.from(s);
    return runes.length > this.prec ? runes.slice(0, this.prec).join('') : s;
  }

  printString(s: string, verb: string, arg: FmtArg): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) return this.pad(goQuote(s), false);
        return this.pad(this.truncate(s), false);
      case 's':
        return this.pad(this.truncate(s), false);
      case 'q': {
        const t = this.truncate(s);
        if (this.sharp && canBackquote(t)) return this.pad('`' + t + '`', false);
        return this.pad(goQuote(t, this.plus), false);
      }
      case 'x':
      case 'X':
        return this.fmtHexBytes(s, verb === 'X');
      default:
        return this.badVerb(verb, arg);
    }
  }

  fmtHexBytes(s: string, upper: boolean): void {
    const bytes = Buffer.from(s, 'utf8');
    const length = this.precPresent && this.prec < bytes.length ? this.prec : bytes.length;
    let width = 2 * length;
    if (width === 0) {
      if (this.widPresent) this.out += ' '.repeat(this.wid);
      return;
    }
    if (this.space) {
      if (this.sharp) width *= 2;
      width += length - 1;
    } else if (this.sharp) width += 2;
    const prefix = upper ? '0X' : '0x';
    if (this.widPresent && this.wid > width && !this.minus) this.out += ' '.repeat(this.wid - width);
    let body = this.sharp ? prefix : '';
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) body += this.sharp ? ' ' + prefix : ' ';
      const h = bytes[i]!.toString(16).padStart(2, '0');
      body += upper ? h.toUpperCase() : h;
    }
    this.out += body;
    if (this.widPresent && this.wid > width && this.minus) this.out += ' '.repeat(this.wid - width);
  }

  badVerb(verb: string, arg: FmtArg): void {
    this.out += '%!' + verb + '(' + TYPE_NAMES[arg.kind] + '=';
    this.printArg(arg, 'v');
    this.out += ')';
  }

  printArg(arg: FmtArg, verb: string): void {
    if (verb === 'T') {
      this.pad(this.truncate(TYPE_NAMES[arg.kind]), false);
      return;
    }
    if (verb === 'p') return this.badVerb(verb, arg);
    switch (arg.kind) {
      case 'int':
        return this.printInt(arg.v, verb, arg);
      case 'bigint':
        return this.printBigInt(arg.v, verb);
      case 'float':
        return this.printFloat(arg.v, verb, arg);
      case 'string':
        return this.printString(arg.v, verb, arg);
    }
  }
}

function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '`' || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp < 0x20 && ch !== '\t') return false;
    if (cp === 0x7f) return false;
  }
  return true;
}
