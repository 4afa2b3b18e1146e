import { daysFromCivil, SECONDS_PER_DAY } from './civil.js';
import { BoundedCache } from '../bounded-cache.js';

/** A time zone: its UTC offset (seconds east) and abbreviation at an instant. */
export interface Zone {
  readonly name: string;
  offsetAt(unixSec: number): number;
  abbreviationAt(unixSec: number): string;
}

export const UTC_ZONE: Zone = {
  name: 'UTC',
  offsetAt: () => 0,
  abbreviationAt: () => 'UTC',
};

/** Unknown zone name, with Go's `time.LoadLocation` message. */
export class UnknownZoneError extends Error {
  constructor(name: string) {
    super(`unknown time zone ${name}`);
  }
}

// Abbreviations that Go's tzdata has but ICU's English locales spell as "GMT+N": zone → offset
// (seconds) → abbreviation. Used only when the offset matches, so historical periods are not
// mislabelled.
const TZDATA_ABBREVIATIONS: Record<string, Record<number, string>> = {
  'Asia/Tokyo': { 32400: 'JST' },
  'Asia/Seoul': { 32400: 'KST' },
  'Asia/Shanghai': { 28800: 'CST' },
  'Asia/Taipei': { 28800: 'CST' },
  'Asia/Hong_Kong': { 28800: 'HKT' },
  'Asia/Jakarta': { 25200: 'WIB' },
  'Asia/Karachi': { 18000: 'PKT' },
  'Asia/Kolkata': { 19800: 'IST' },
  'Asia/Calcutta': { 19800: 'IST' },
  'Asia/Jerusalem': { 7200: 'IST', 10800: 'IDT' },
  'Asia/Manila': { 28800: 'PST' },
  'Africa/Johannesburg': { 7200: 'SAST' },
  'Africa/Lagos': { 3600: 'WAT' },
  'Africa/Nairobi': { 10800: 'EAT' },
  'Africa/Cairo': { 7200: 'EET', 10800: 'EEST' },
  'Europe/Moscow': { 10800: 'MSK' },
  'Europe/Dublin': { 0: 'GMT', 3600: 'IST' },
};

/** Locales whose short zone names match tzdata's for a region. */
function localeFor(zone: string): string | undefined {
  if (zone.startsWith('Europe/')) return 'en-GB';
  if (zone.startsWith('Australia/') || zone === 'Pacific/Auckland') return 'en-AU';
  return undefined;
}

function numericAbbreviation(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = Math.floor((abs % 3600) / 60);
  return mm === 0 ? `${sign}${hh}` : `${sign}${hh}${String(mm).padStart(2, '0')}`;
}

const GMT_STYLE = /^GMT[+-−]/;

class IanaZone implements Zone {
  private readonly fields: Intl.DateTimeFormat;
  private readonly names = new Map<string, Intl.DateTimeFormat>();

  constructor(
    readonly name: string,
    readonly ianaName: string,
  ) {
    this.fields = new Intl.DateTimeFormat('en-US', {
      timeZone: ianaName,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  offsetAt(unixSec: number): number {
    const parts = this.fields.formatToParts(new Date(unixSec * 1000));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall =
      daysFromCivil(get('year'), get('month'), get('day')) * SECONDS_PER_DAY +
      (get('hour') % 24) * 3600 +
      get('minute') * 60 +
      get('second');
    return wall - unixSec;
  }

  private shortName(locale: string, unixSec: number): string {
    let format = this.names.get(locale);
    if (format === undefined) {
      format = new Intl.DateTimeFormat(locale, { timeZone: this.ianaName, timeZoneName: 'short' });
      this.names.set(locale, format);
    }
    return format.formatToParts(new Date(unixSec * 1000)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  }

  abbreviationAt(unixSec: number): string {
    const offset = this.offsetAt(unixSec);
    const known = TZDATA_ABBREVIATIONS[this.ianaName]?.[offset];
    if (known !== undefined) return known;
    const locales = ['en-US'];
    const regional = localeFor(this.ianaName);
    if (regional !== undefined) locales.push(regional);
    for (const locale of locales) {
      const name = this.shortName(locale, unixSec);
      if (name !== '' && !GMT_STYLE.test(name) && (name !== 'GMT' || offset === 0)) return name;
    }
    return numericAbbreviation(offset);
  }
}

const zones = new BoundedCache<Zone>(200);

function ianaZone(name: string, display: string): Zone {
  if (/^[+-]/.test(name) || name.includes('..')) throw new UnknownZoneError(display);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new UnknownZoneError(display);
  }
  // Intl ignores case; Go's zoneinfo lookup does not.
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) throw new UnknownZoneError(display);
  return new IanaZone(display, name);
}

function localZone(): Zone {
  const name = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (name === undefined || name === 'UTC' || name === 'Etc/UTC') return UTC_ZONE;
  try {
    return ianaZone(name, 'Local');
  } catch {
    return UTC_ZONE;
  }
}

/** Go's zone lookup as OPA does it: "" and "UTC" are UTC, "Local" is the process's zone. */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC_ZONE;
  const key = name;
  const cached = zones.get(key);
  if (cached !== undefined) return cached;
  const zone = name === 'Local' ? localZone() : ianaZone(name, name);
  zones.set(key, zone);
  return zone;
}

/**
 * Go's `time.Date` zone step: the instant whose wall clock in `zone` reads `wall` (seconds as if
 * UTC). In a gap or an overlap Go picks the offset in effect just before the transition.
 */
export function instantOfWall(wall: number, zone: Zone): number {
  const guess = zone.offsetAt(wall);
  if (guess === 0) return wall;
  const utc = wall - guess;
  const actual = zone.offsetAt(utc);
  return actual === guess ? utc : wall - actual;
}
