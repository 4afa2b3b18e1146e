// Provenance: follows Go's src/time/format.go (nextStdChunk, Time.Format); Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import { civilFromDays, floorDiv, LONG_DAY_NAMES, LONG_MONTH_NAMES, SECONDS_PER_DAY, weekdayOfDays, yearDay } from './civil.js';
import type { Zone } from './time-zones.js';

// Go's reference-time layouts ("Mon Jan 2 15:04:05 MST 2006"): the layout chunker and
// Time.Format of Go's time/format.go, written for JavaScript strings.

export type StdKind =
  | 'LongMonth' | 'Month' | 'NumMonth' | 'ZeroMonth'
  | 'LongWeekDay' | 'WeekDay'
  | 'Day' | 'UnderDay' | 'ZeroDay' | 'UnderYearDay' | 'ZeroYearDay'
  | 'Hour' | 'Hour12' | 'ZeroHour12' | 'Minute' | 'ZeroMinute' | 'Second' | 'ZeroSecond'
  | 'LongYear' | 'Year' | 'PM' | 'pm' | 'TZ'
  | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ'
  | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ' | 'NumColonSecondsTZ'
  | 'FracSecond0' | 'FracSecond9';

interface Std {
  kind: StdKind;
  digits: number;
  separator: string;
}

interface Chunk {
  prefix: string;
  std: Std | undefined;
  suffix: string;
}

const ZERO_X: StdKind[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];

const std = (kind: StdKind, digits = 0, separator = '.'): Std => ({ kind, digits, separator });

export function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function startsWithLower(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 97 && c <= 122;
}

/** Go's `nextStdChunk`: the text before the first layout element, the element, and the rest. */
export function nextStdChunk(layout: string): Chunk {
  const at = (i: number, kind: StdKind, len: number): Chunk => ({
    prefix: layout.slice(0, i),
    std: std(kind),
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i);
    switch (layout[i]) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return at(i, 'LongMonth', 7);
          if (!startsWithLower(rest.slice(3))) return at(i, 'Month', 3);
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return at(i, 'LongWeekDay', 6);
          if (!startsWithLower(rest.slice(3))) return at(i, 'WeekDay', 3);
        }
        if (rest.startsWith('MST')) return at(i, 'TZ', 3);
        break;
      case '0': {
        const d = layout.charCodeAt(i + 1) - 48;
        if (d >= 1 && d <= 6) return at(i, ZERO_X[d - 1]!, 2);
        if (rest.startsWith('002')) return at(i, 'ZeroYearDay', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return at(i, 'Hour', 2);
        return at(i, 'NumMonth', 1);
      case '2':
        if (rest.startsWith('2006')) return at(i, 'LongYear', 4);
        return at(i, 'Day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          // "_2006" is a literal underscore and a long year.
          if (rest.startsWith('_2006')) return { prefix: layout.slice(0, i + 1), std: std('LongYear'), suffix: layout.slice(i + 5) };
          return at(i, 'UnderDay', 2);
        }
        if (rest.startsWith('__2')) return at(i, 'UnderYearDay', 3);
        break;
      case '3':
        return at(i, 'Hour12', 1);
      case '4':
        return at(i, 'Minute', 1);
      case '5':
        return at(i, 'Second', 1);
      case 'P':
        if (layout[i + 1] === 'M') return at(i, 'PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return at(i, 'pm', 2);
        break;
      case '-':
        if (rest.startsWith('-070000')) return at(i, 'NumSecondsTz', 7);
        if (rest.startsWith('-07:00:00')) return at(i, 'NumColonSecondsTZ', 9);
        if (rest.startsWith('-0700')) return at(i, 'NumTZ', 5);
        if (rest.startsWith('-07:00')) return at(i, 'NumColonTZ', 6);
        if (rest.startsWith('-07')) return at(i, 'NumShortTZ', 3);
        break;
      case 'Z':
        if (rest.startsWith('Z070000')) return at(i, 'ISO8601SecondsTZ', 7);
        if (rest.startsWith('Z07:00:00')) return at(i, 'ISO8601ColonSecondsTZ', 9);
        if (rest.startsWith('Z0700')) return at(i, 'ISO8601TZ', 5);
        if (rest.startsWith('Z07:00')) return at(i, 'ISO8601ColonTZ', 6);
        if (rest.startsWith('Z07')) return at(i, 'ISO8601ShortTZ', 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return {
              prefix: layout.slice(0, i),
              std: std(ch === '0' ? 'FracSecond0' : 'FracSecond9', j - (i + 1), layout[i]!),
              suffix: layout.slice(j),
            };
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return { prefix: layout, std: undefined, suffix: '' };
}

/** Go's `appendInt`: sign, then zero-padded to `width` digits. */
function pad(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? `-${digits}` : digits;
}

function formatOffset(kind: StdKind, offset: number): string {
  const isoKinds: StdKind[] = ['ISO8601TZ', 'ISO8601ColonTZ', 'ISO8601SecondsTZ', 'ISO8601ShortTZ', 'ISO8601ColonSecondsTZ'];
  if (offset === 0 && isoKinds.includes(kind)) return 'Z';
  let zone = Math.trunc(offset / 60);
  let absOffset = offset;
  let out = '+';
  if (zone < 0) {
    out = '-';
    zone = -zone;
    absOffset = -absOffset;
  }
  out += pad(Math.floor(zone / 60), 2);
  const colon = kind === 'ISO8601ColonTZ' || kind === 'NumColonTZ' || kind === 'ISO8601ColonSecondsTZ' || kind === 'NumColonSecondsTZ';
  if (colon) out += ':';
  if (kind !== 'NumShortTZ' && kind !== 'ISO8601ShortTZ') out += pad(zone % 60, 2);
  if (kind === 'ISO8601SecondsTZ' || kind === 'NumSecondsTz' || kind === 'NumColonSecondsTZ' || kind === 'ISO8601ColonSecondsTZ') {
    if (kind === 'NumColonSecondsTZ' || kind === 'ISO8601ColonSecondsTZ') out += ':';
    out += pad(absOffset % 60, 2);
  }
  return out;
}

function formatNanos(nsec: number, s: Std): string {
  const trim = s.kind === 'FracSecond9';
  if (trim && (s.digits === 0 || nsec === 0)) return '';
  let out = s.separator + pad(nsec, 9);
  if (s.digits < 9) out = out.slice(0, out.length - 9 + s.digits);
  if (trim) {
    out = out.replace(/0+$/, '');
    if (out === s.separator) out = '';
  }
  return out;
}

/** Go's `Time.Format` for the instant `unixSec` + `nsec` seen in `zone`. */
export function formatTime(unixSec: number, nsec: number, zone: Zone, layout: string): string {
  const offset = zone.offsetAt(unixSec);
  const local = unixSec + offset;
  const days = floorDiv(local, SECONDS_PER_DAY);
  const secOfDay = local - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(secOfDay / 3600);
  const min = Math.floor((secOfDay % 3600) / 60);
  const sec = secOfDay % 60;
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const { prefix, std: s, suffix } = nextStdChunk(rest);
    out += prefix;
    if (s === undefined) break;
    rest = suffix;
    switch (s.kind) {
      case 'Year':
        out += pad(Math.abs(year) % 100, 2);
        break;
      case 'LongYear':
        out += pad(year, 4);
        break;
      case 'Month':
        out += LONG_MONTH_NAMES[month - 1]!.slice(0, 3);
        break;
      case 'LongMonth':
        out += LONG_MONTH_NAMES[month - 1];
        break;
      case 'NumMonth':
        out += String(month);
        break;
      case 'ZeroMonth':
        out += pad(month, 2);
        break;
      case 'WeekDay':
        out += LONG_DAY_NAMES[weekdayOfDays(days)]!.slice(0, 3);
        break;
      case 'LongWeekDay':
        out += LONG_DAY_NAMES[weekdayOfDays(days)];
        break;
      case 'Day':
        out += String(day);
        break;
      case 'UnderDay':
        out += (day < 10 ? ' ' : '') + String(day);
        break;
      case 'ZeroDay':
        out += pad(day, 2);
        break;
      case 'UnderYearDay': {
        const yday = yearDay(days, year);
        out += (yday < 100 ? (yday < 10 ? '  ' : ' ') : '') + String(yday);
        break;
      }
      case 'ZeroYearDay':
        out += pad(yearDay(days, year), 3);
        break;
      case 'Hour':
        out += pad(hour, 2);
        break;
      case 'Hour12':
        out += String(hour % 12 === 0 ? 12 : hour % 12);
        break;
      case 'ZeroHour12':
        out += pad(hour % 12 === 0 ? 12 : hour % 12, 2);
        break;
      case 'Minute':
        out += String(min);
        break;
      case 'ZeroMinute':
        out += pad(min, 2);
        break;
      case 'Second':
        out += String(sec);
        break;
      case 'ZeroSecond':
        out += pad(sec, 2);
        break;
      case 'PM':
        out += hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += hour >= 12 ? 'pm' : 'am';
        break;
      case 'TZ':
        out += zone.abbreviationAt(unixSec);
        break;
      case 'FracSecond0':
      case 'FracSecond9':
        out += formatNanos(nsec, s);
        break;
      default:
        out += formatOffset(s.kind, offset);
        break;
    }
  }
  return out;
}

/** Go's `quote` from the time package: ASCII kept, other bytes as `\xNN`. */
export function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}
