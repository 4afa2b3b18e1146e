// Provenance: follows Go's src/time/format.go (Parse); Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import {
  civilFromDays,
  daysFromCivil,
  daysIn,
  isLeap,
  LONG_DAY_NAMES,
  LONG_MONTH_NAMES,
  SECONDS_PER_DAY,
  wallSeconds,
} from './civil.js';
import { goTimeQuote, isDigitAt, nextStdChunk, type StdKind } from './go-time-layout.js';
import type { Zone } from './time-zones.js';

// Go's time.Parse (time/format.go), with Go's error messages.

/** A failed parse, worded as Go's `*time.ParseError`. */
export class TimeParseError extends Error {}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): TimeParseError {
  if (message === '') {
    return new TimeParseError(
      `parsing time ${goTimeQuote(value)} as ${goTimeQuote(layout)}: cannot parse ${goTimeQuote(valueElem)} as ${goTimeQuote(layoutElem)}`,
    );
  }
  return new TimeParseError(`parsing time ${goTimeQuote(value)}${message}`);
}

class Bad extends Error {}
const BAD = new Bad();

/** Go's `getnum`: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw BAD;
  if (!isDigitAt(s, 1)) {
    if (fixed) throw BAD;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 48);
  if (i === 0 || (fixed && i !== 3)) throw BAD;
  return [n, s.slice(i)];
}

/** Go's `atoi`: optional sign, digits only. */
function atoi(s: string): number {
  let t = s;
  let neg = false;
  if (t[0] === '-' || t[0] === '+') {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  if (!/^[0-9]*$/.test(t) || t.length > 18) throw BAD;
  const x = t === '' ? 0 : Number(t);
  return neg ? -x : x;
}

function skip(value: string, prefix: string): string {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') throw BAD;
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) throw BAD;
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

/** Go's case-insensitive table lookup of month and day names. */
function lookup(table: string[], value: string): [number, string] {
  for (let i = 0; i < table.length; i++) {
    const name = table[i]!;
    if (value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase()) {
      const head = value.slice(0, name.length);
      if (/^[A-Za-z]+$/.test(head)) return [i, value.slice(name.length)];
    }
  }
  throw BAD;
}

function parseNanoseconds(value: string, nbytes: number): [number, string] {
  if (value[0] !== '.' && value[0] !== ',') throw BAD;
  const n = Math.min(nbytes, 10);
  const ns = atoi(value.slice(1, n));
  if (ns < 0) return [0, 'fractional second'];
  return [ns * 10 ** (10 - n), ''];
}

function leadingInt(s: string): [number, string] | undefined {
  const m = /^[0-9]*/.exec(s)![0];
  if (m.length > 18) return undefined;
  return [m === '' ? 0 : Number(m), s.slice(m.length)];
}

function parseSignedOffset(value: string): number {
  if (value[0] !== '-' && value[0] !== '+') return 0;
  const r = leadingInt(value.slice(1));
  if (r === undefined || r[1] === value.slice(1) || r[0] > 23) return 0;
  return value.length - r[1].length;
}

function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let upper = 0;
  while (upper < 6 && upper < value.length && value[upper]! >= 'A' && value[upper]! <= 'Z') upper++;
  if (upper === 3) return 3;
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (upper === 5 && value[4] === 'T') return 5;
  return 0;
}

const SHORT_MONTHS = LONG_MONTH_NAMES.map((m) => m.slice(0, 3));
const SHORT_DAYS = LONG_DAY_NAMES.map((d) => d.slice(0, 3));

/** A parsed time: the instant as seconds + nanoseconds since the epoch. */
export interface ParsedTime {
  unixSec: number;
  nsec: number;
}

/**
 * Go's `time.Parse(layout, value)`. A zone abbreviation is resolved against `local` (Go's
 * `time.Local`); unknown abbreviations count as UTC, `GMT+N` as N hours east.
 */
export function parseTime(layout: string, value: string, local: Zone): ParsedTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utc = false;
  let zoneOffset = -1;
  let zoneName = '';
  let rest = layout;
  let v = value;
  for (;;) {
    const { prefix, std: s, suffix } = nextStdChunk(rest);
    const stdstr = rest.slice(prefix.length, rest.length - suffix.length);
    try {
      v = skip(v, prefix);
    } catch {
      throw parseError(alayout, avalue, prefix, v, '');
    }
    if (s === undefined) {
      if (v.length !== 0) throw parseError(alayout, avalue, '', v, `: extra text: ${goTimeQuote(v)}`);
      break;
    }
    rest = suffix;
    const hold = v;
    try {
      switch (s.kind) {
        case 'Year': {
          if (v.length < 2) throw BAD;
          const p = v.slice(0, 2);
          v = v.slice(2);
          year = atoi(p);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case 'LongYear':
          if (v.length < 4 || !isDigitAt(v, 0)) throw BAD;
          year = atoi(v.slice(0, 4));
          v = v.slice(4);
          break;
        case 'Month':
          [month, v] = lookup(SHORT_MONTHS, v);
          month++;
          break;
        case 'LongMonth':
          [month, v] = lookup(LONG_MONTH_NAMES, v);
          month++;
          break;
        case 'NumMonth':
        case 'ZeroMonth':
          [month, v] = getnum(v, s.kind === 'ZeroMonth');
          if (month <= 0 || month > 12) rangeErr = 'month';
          break;
        case 'WeekDay':
          v = lookup(SHORT_DAYS, v)[1];
          break;
        case 'LongWeekDay':
          v = lookup(LONG_DAY_NAMES, v)[1];
          break;
        case 'Day':
        case 'UnderDay':
        case 'ZeroDay':
          if (s.kind === 'UnderDay' && v[0] === ' ') v = v.slice(1);
          [day, v] = getnum(v, s.kind === 'ZeroDay');
          break;
        case 'UnderYearDay':
        case 'ZeroYearDay':
          for (let i = 0; i < 2; i++) if (s.kind === 'UnderYearDay' && v[0] === ' ') v = v.slice(1);
          [yday, v] = getnum3(v, s.kind === 'ZeroYearDay');
          break;
        case 'Hour':
          [hour, v] = getnum(v, false);
          if (hour >= 24) rangeErr = 'hour';
          break;
        case 'Hour12':
        case 'ZeroHour12':
          [hour, v] = getnum(v, s.kind === 'ZeroHour12');
          if (hour > 12) rangeErr = 'hour';
          break;
        case 'Minute':
        case 'ZeroMinute':
          [min, v] = getnum(v, s.kind === 'ZeroMinute');
          if (min >= 60) rangeErr = 'minute';
          break;
        case 'Second':
        case 'ZeroSecond': {
          [sec, v] = getnum(v, s.kind === 'ZeroSecond');
          if (sec >= 60) {
            rangeErr = 'second';
            break;
          }
          // A fractional second in the input that the layout does not mention.
          if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1)) {
            const following = nextStdChunk(rest).std?.kind;
            if (following === 'FracSecond0' || following === 'FracSecond9') break;
            let n = 2;
            while (n < v.length && isDigitAt(v, n)) n++;
            [nsec, rangeErr] = parseNanoseconds(v, n);
            v = v.slice(n);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          if (v.length < 2) throw BAD;
          const p = v.slice(0, 2);
          v = v.slice(2);
          const [pm, am] = s.kind === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
          if (p === pm) pmSet = true;
          else if (p === am) amSet = true;
          else throw BAD;
          break;
        }
        case 'TZ': {
          if (v.startsWith('UTC')) {
            utc = true;
            v = v.slice(3);
            break;
          }
          const n = parseTimeZone(v);
          if (n === 0) throw BAD;
          zoneName = v.slice(0, n);
          v = v.slice(n);
          break;
        }
        case 'FracSecond0': {
          const ndigit = 1 + s.digits;
          if (v.length < ndigit) throw BAD;
          [nsec, rangeErr] = parseNanoseconds(v, ndigit);
          v = v.slice(ndigit);
          break;
        }
        case 'FracSecond9': {
          if (v.length < 2 || (v[0] !== '.' && v[0] !== ',') || !isDigitAt(v, 1)) break;
          let i = 0;
          while (i + 1 < v.length && isDigitAt(v, i + 1)) i++;
          [nsec, rangeErr] = parseNanoseconds(v, 1 + i);
          v = v.slice(1 + i);
          break;
        }
        default: {
          if (s.kind.startsWith('ISO8601') && v[0] === 'Z') {
            v = v.slice(1);
            utc = true;
            break;
          }
          [zoneOffset, v, rangeErr] = parseNumericOffset(s.kind, v);
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      if (rangeErr !== '') throw parseError(alayout, avalue, stdstr, v, `: ${rangeErr} out of range`);
      throw parseError(alayout, avalue, stdstr, hold, '');
    }
    if (rangeErr !== '') throw parseError(alayout, avalue, stdstr, v, `: ${rangeErr} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    let yd = yday;
    if (isLeap(year)) {
      if (yd === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yd > 31 + 29) {
        yd--;
      }
    }
    if (yd < 1 || yd > 365) throw parseError(alayout, avalue, '', v, ': day-of-year out of range');
    if (m === 0) {
      const dayNumber = daysFromCivil(2001, 1, 1) + yd - 1;
      const civil = civilFromDays(dayNumber);
      m = civil.month;
      d = civil.day;
    }
    if (month >= 0 && month !== m) throw parseError(alayout, avalue, '', v, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw parseError(alayout, avalue, '', v, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, '', v, ': day out of range');

  const wall = wallSeconds(year, month, day, hour, min, sec);
  if (utc) return { unixSec: wall, nsec };
  if (zoneOffset !== -1) return { unixSec: wall - zoneOffset, nsec };
  if (zoneName !== '') {
    // Go prefers the zone period in effect at that time, then any period of the zone with that
    // name; the periods a quarter and half a year away stand in for "any" (daylight saving or not).
    const quarter = 91 * SECONDS_PER_DAY;
    for (const at of [wall, wall - quarter, wall + quarter, wall - 2 * quarter, wall + 2 * quarter]) {
      const offset = local.offsetAt(at);
      if (local.abbreviationAt(at) === zoneName) return { unixSec: wall - offset, nsec };
    }
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = atoi(zoneName.slice(3)) * 3600;
    return { unixSec: wall - offset, nsec };
  }
  return { unixSec: wall, nsec };
}

function parseNumericOffset(kind: StdKind, value: string): [number, string, string] {
  let sign: string;
  let hh: string;
  let mm: string;
  let ss: string;
  let v = value;
  if (kind === 'ISO8601ColonTZ' || kind === 'NumColonTZ') {
    if (v.length < 6 || v[3] !== ':') throw BAD;
    [sign, hh, mm, ss, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), '00', v.slice(6)];
  } else if (kind === 'NumShortTZ' || kind === 'ISO8601ShortTZ') {
    if (v.length < 3) throw BAD;
    [sign, hh, mm, ss, v] = [v.slice(0, 1), v.slice(1, 3), '00', '00', v.slice(3)];
  } else if (kind === 'ISO8601ColonSecondsTZ' || kind === 'NumColonSecondsTZ') {
    if (v.length < 9 || v[3] !== ':' || v[6] !== ':') throw BAD;
    [sign, hh, mm, ss, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), v.slice(7, 9), v.slice(9)];
  } else if (kind === 'ISO8601SecondsTZ' || kind === 'NumSecondsTz') {
    if (v.length < 7) throw BAD;
    [sign, hh, mm, ss, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5, 7), v.slice(7)];
  } else {
    if (v.length < 5) throw BAD;
    [sign, hh, mm, ss, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), '00', v.slice(5)];
  }
  const hr = getnum(hh, true)[0];
  const mi = getnum(mm, true)[0];
  const se = getnum(ss, true)[0];
  let rangeErr = '';
  if (hr > 24) rangeErr = 'time zone offset hour';
  if (mi > 60) rangeErr = 'time zone offset minute';
  if (se > 60) rangeErr = 'time zone offset second';
  let offset = (hr * 60 + mi) * 60 + se;
  if (sign === '-') offset = -offset;
  else if (sign !== '+' && rangeErr === '') throw BAD;
  return [offset, v, rangeErr];
}
