import { BuiltinError, builtinError, operandTypeError } from '../errors.js';
import type { HostBuiltinTable } from '../host-builtin.js';
import { typeNameOf, type RegoValue } from '../value.js';
import { civilFromDays, daysIn, floorDiv, LONG_DAY_NAMES, SECONDS_PER_DAY, wallSeconds, weekdayOfDays } from './civil.js';
import { formatTime } from './go-time-layout.js';
import { DurationError, parseGoDuration } from './go-duration.js';
import { parseTime, TimeParseError } from './go-time-parse.js';
import { instantOfWall, loadZone, type Zone } from './time-zones.js';
import { intArg, integerResult, stringArg } from '../operands.js';

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';

/** Layout names OPA accepts in place of a layout. */
const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339,
  RFC3339Nano: RFC3339_NANO,
};

const NS_PER_SEC = 1000000000n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** An instant in a zone, as Go's `time.Time`. */
interface ZonedTime {
  unixSec: number;
  nsec: number;
  zone: Zone;
}

function fromNanos(ns: bigint, zone: Zone): ZonedTime {
  let sec = ns / NS_PER_SEC;
  let rem = ns % NS_PER_SEC;
  if (rem < 0n) {
    rem += NS_PER_SEC;
    sec -= 1n;
  }
  return { unixSec: Number(sec), nsec: Number(rem), zone };
}

/** OPA's `toSafeUnixNano`: the instant as int64 nanoseconds, or its range error. */
function toNanos(name: string, unixSec: number, nsec: number): number | bigint {
  if (!Number.isSafeInteger(unixSec)) throw builtinError(name, 'time outside of valid range');
  const ns = BigInt(unixSec) * NS_PER_SEC + BigInt(nsec);
  if (ns < INT64_MIN || ns > INT64_MAX) throw builtinError(name, 'time outside of valid range');
  return integerResult(ns);
}

function zoneError(name: string, e: unknown): BuiltinError {
  return builtinError(name, e instanceof Error ? e.message : String(e));
}

const TIME_OPERAND = 'either number (ns) or [number (ns), string (tz)]';

/** OPA's `tzTime`: `ns` or `[ns, tz]` or `[ns, tz, layout]`; every complaint names operand 1. */
function zonedTimeArg(name: string, value: RegoValue | undefined): { time: ZonedTime; layout: string } {
  let ns: RegoValue;
  let zone: Zone = loadZone('UTC');
  let layout = '';
  if (Array.isArray(value)) {
    if (value.length === 0) throw operandTypeError(name, 1, TIME_OPERAND, 'array');
    ns = value[0]!;
    if (typeof ns !== 'number' && typeof ns !== 'bigint') throw operandTypeError(name, 1, 'number', typeNameOf(ns));
    if (value.length > 1) {
      const tz = value[1]!;
      if (typeof tz !== 'string') throw operandTypeError(name, 1, 'string', typeNameOf(tz));
      try {
        zone = loadZone(tz);
      } catch (e) {
        throw zoneError(name, e);
      }
    }
    if (value.length > 2) {
      const lay = value[2]!;
      if (typeof lay !== 'string') throw operandTypeError(name, 1, 'string', typeNameOf(lay));
      layout = lay;
    }
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    ns = value;
  } else {
    throw operandTypeError(name, 1, TIME_OPERAND, typeNameOf(value ?? null));
  }
  let exact: bigint;
  if (typeof ns === 'bigint') exact = ns;
  else if (Number.isInteger(ns)) exact = BigInt(ns);
  else throw builtinError(name, 'timestamp too big');
  if (exact < INT64_MIN || exact > INT64_MAX) throw builtinError(name, 'timestamp too big');
  return { time: fromNanos(exact, zone), layout };
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  weekday: number;
}

function fieldsOf(t: ZonedTime): Fields {
  const local = t.unixSec + t.zone.offsetAt(t.unixSec);
  const days = floorDiv(local, SECONDS_PER_DAY);
  const secOfDay = local - days * SECONDS_PER_DAY;
  return {
    ...civilFromDays(days),
    hour: Math.floor(secOfDay / 3600),
    min: Math.floor((secOfDay % 3600) / 60),
    sec: secOfDay % 60,
    weekday: weekdayOfDays(days),
  };
}

function parsed(name: string, layout: string, value: string): number | bigint {
  let result;
  try {
    result = parseTime(layout, value, loadZone('Local'));
  } catch (e) {
    if (e instanceof TimeParseError) throw builtinError(name, e.message);
    throw zoneError(name, e);
  }
  return toNanos(name, result.unixSec, result.nsec);
}

function nowNanos(): bigint {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return BigInt(micros) * 1000n;
}

/** Go's `Time.After` on (seconds, nanoseconds) pairs. */
function after(a: ZonedTime, b: ZonedTime): boolean {
  return a.unixSec > b.unixSec || (a.unixSec === b.unixSec && a.nsec > b.nsec);
}

export const timeBuiltins: HostBuiltinTable = {
  // The compiled module memoises this per evaluation, as OPA fixes one time per query.
  'time.now_ns': () => nowNanos(),

  'time.parse_ns': (layout, value) => {
    const name = 'time.parse_ns';
    const l = stringArg(name, layout, 1);
    const v = stringArg(name, value, 2);
    return parsed(name, NAMED_LAYOUTS[l] ?? l, v);
  },

  'time.parse_rfc3339_ns': (value) => {
    const name = 'time.parse_rfc3339_ns';
    return parsed(name, RFC3339, stringArg(name, value, 1));
  },

  'time.parse_duration_ns': (value) => {
    const name = 'time.parse_duration_ns';
    const s = stringArg(name, value, 1);
    try {
      return integerResult(parseGoDuration(s));
    } catch (e) {
      if (e instanceof DurationError) throw builtinError(name, e.message);
      throw zoneError(name, e);
    }
  },

  'time.format': (value) => {
    const name = 'time.format';
    const { time, layout } = zonedTimeArg(name, value);
    const resolved = layout === '' ? RFC3339_NANO : (NAMED_LAYOUTS[layout] ?? layout);
    return formatTime(time.unixSec, time.nsec, time.zone, resolved);
  },

  'time.date': (value) => {
    const { year, month, day } = fieldsOf(zonedTimeArg('time.date', value).time);
    return [year, month, day];
  },

  'time.clock': (value) => {
    const { hour, min, sec } = fieldsOf(zonedTimeArg('time.clock', value).time);
    return [hour, min, sec];
  },

  'time.weekday': (value) => LONG_DAY_NAMES[fieldsOf(zonedTimeArg('time.weekday', value).time).weekday]!,

  'time.add_date': (value, years, months, days) => {
    const name = 'time.add_date';
    const { time } = zonedTimeArg(name, value);
    const y = intArg(name, years, 2);
    const m = intArg(name, months, 3);
    const d = intArg(name, days, 4);
    const f = fieldsOf(time);
    const wall = wallSeconds(f.year + y, f.month + m, f.day + d, f.hour, f.min, f.sec);
    if (!Number.isSafeInteger(wall)) throw builtinError(name, 'time outside of valid range');
    return toNanos(name, instantOfWall(wall, time.zone), time.nsec);
  },

  'time.diff': (value1, value2) => {
    const name = 'time.diff';
    let t1 = zonedTimeArg(name, value1).time;
    let t2 = zonedTimeArg(name, value2).time;
    t2 = { ...t2, zone: t1.zone };
    if (after(t1, t2)) [t1, t2] = [t2, t1];
    const a = fieldsOf(t1);
    const b = fieldsOf(t2);
    let year = b.year - a.year;
    let month = b.month - a.month;
    let day = b.day - a.day;
    let hour = b.hour - a.hour;
    let min = b.min - a.min;
    let sec = b.sec - a.sec;
    if (sec < 0) {
      sec += 60;
      min--;
    }
    if (min < 0) {
      min += 60;
      hour--;
    }
    if (hour < 0) {
      hour += 24;
      day--;
    }
    if (day < 0) {
      day += daysIn(a.month, a.year);
      month--;
    }
    if (month < 0) {
      month += 12;
      year--;
    }
    return [year, month, day, hour, min, sec];
  },
};
